// Package memadapter is an in-memory, indexed [adapter.Adapter]: the
// reference implementation of the Adapter contracts, the data store of the
// demo, and the adapter the conformance suite in package processortest is
// written against.
//
// An [Adapter] holds people and the records linked to them. Every
// normalized term of every person (names, addresses, emails, phones, social
// handles, external ids and the subject ids) is indexed, so Search and
// Resolve are map lookups whose cost does not grow with the number of
// people. Linked records (chat transcripts, orders, call recordings) are
// found through the person they are linked to, never by their own fields.
//
// # Data sets
//
// [Adapter.Load] takes a [Dataset]; [Adapter.LoadJSON] reads one written as
// JSON:
//
//	{
//	  "people": [
//	    {
//	      "key": "c-0001",
//	      "kind": "externalContact",
//	      "externalContactId": "8d7c1f0e-6a55-4b9e-9a1e-0c3f2b7d5e11",
//	      "journeyCustomer": {"type": "cookie", "id": "jc-5521"},
//	      "externalId": "CUST-10023",
//	      "name": "Alex Morgan",
//	      "emails": ["alex.morgan@example.com"],
//	      "phones": ["+44 20 7946 0123"],
//	      "addresses": ["1 High Street, London N1 9GU"],
//	      "socialHandles": [{"type": "TWITTER", "value": "@alexmorgan"}],
//	      "attributes": {"tier": "gold"}
//	    },
//	    {
//	      "key": "d-0001",
//	      "kind": "dialerContact",
//	      "dialerContactId": {"id": "dc-17", "contactListId": "renewals-2025"},
//	      "name": "Robin Okafor",
//	      "phones": ["+12025550143"]
//	    },
//	    {
//	      "key": "u-0001",
//	      "kind": "user",
//	      "userId": "4f0e9a52-1c1b-4a43-9a55-2f6d0c8b9e01",
//	      "name": "Sam Rivera",
//	      "emails": ["sam.rivera@example.com"],
//	      "employment": "current"
//	    }
//	  ],
//	  "records": [
//	    {
//	      "id": "chat-0001",
//	      "kind": "chatTranscript",
//	      "person": "c-0001",
//	      "fields": {"startedAt": "2025-03-02T10:15:00Z", "text": "Hello, ..."}
//	    }
//	  ]
//	}
//
// A person's kind is "user", "externalContact" or "dialerContact"; its key
// is unique within the adapter and names the person in exports and errors.
// Every field but key and kind is optional. A dialerContactId needs both id
// and contactListId, a journeyCustomer both type and id. No two people share
// a userId, an externalContactId, a dialerContactId within one contact list
// or a journeyCustomer id within one type; record ids differ from each other
// and from the keys of people. Emails, phones and
// the other terms must be valid terms (see [adapter.Normalizer]); phones
// are read in E.164 unless [WithPhoneRegion] names a region for national
// numbers. Values are stored as written and compared in normalized form.
// Attributes and record fields are free JSON; "person" is reserved in
// record fields.
//
// # Organizations
//
// An adapter made [WithTenantScope] holds several organizations' data:
// every person names the organization that owns it ("organization":
// "acme"), its linked records belong to the same, and every call sees
// and changes only the records of the organization on its context; a
// call without one fails with [adapter.ErrNoOrganization]. Ids stay
// unique across the adapter. Without the option, a person naming an
// organization is refused by Load.
//
// # Records
//
// [Adapter.Export] and the keep function of [Adapter.Erase] see a person as
// a [adapter.Record] of the person's kind whose ID is the key and whose
// Fields are the person's fields named as in the JSON format (userId,
// emails, employment, attributes, ...), set fields only. A linked record is
// a Record of its own kind and id whose Fields are its fields plus "person",
// the key of the person it is linked to. The retention policy
// [processor.CurrentEmployees] therefore keeps people of kind "user" whose
// employment is "current".
//
// # Erasure
//
// By default Erase deletes. With [WithAnonymize] it anonymizes instead: a
// person keeps only its key and kind and is marked "anonymized", so that no
// term finds it again; each linked record keeps its field names with every
// value replaced by [Redacted]. Records the keep function retains stay as
// they are, and the records linked to a retained person are still erased
// unless retained themselves.
//
// # Operations
//
// Rectify and Erase each apply their changes at once, under the adapter's
// lock, so a failure or a cancelled context leaves nothing half done. They
// remember the [gdpr.Outcome] of every operation (by Op.RequestID and a
// non-empty Op.ID) for the adapter's lifetime, and answer a repeat with it
// without running again; the memory this takes grows with the number of
// operations, which suits a reference and demo store, not a long-lived
// one.
package memadapter
