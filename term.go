package gdpr

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
)

// Kind is the kind of one term that names a data subject: one of the
// wire's search types (the searchType of a subjects search, the type of a
// social handle or of a replacement term), or one of the ids a subject is
// named by. Every package of the module speaks of terms with this one
// type: the client, the processor, adapters, the DSR workflow, the server
// and the console.
type Kind string

// Term kinds. The first nine are the search types of the wire enum (the
// oldest clients know only the first four); the last four are the ids a
// subject can be named by, which are resolved rather than searched.
const (
	KindName              Kind = "NAME"
	KindAddress           Kind = "ADDRESS"
	KindPhone             Kind = "PHONE"
	KindEmail             Kind = "EMAIL"
	KindTwitter           Kind = "TWITTER"
	KindInstagram         Kind = "INSTAGRAM"
	KindFacebook          Kind = "FACEBOOK"
	KindAppleMessages     Kind = "APPLE_MESSAGES"
	KindExternalID        Kind = "EXTERNAL_ID"
	KindUserID            Kind = "USER_ID"
	KindExternalContactID Kind = "EXTERNAL_CONTACT_ID"
	KindDialerContactID   Kind = "DIALER_CONTACT_ID"
	KindJourneyCustomer   Kind = "JOURNEY_CUSTOMER"
)

// SearchKinds lists the kinds a subjects search takes (the wire's
// searchType enum), in wire order.
func SearchKinds() []Kind {
	return []Kind{KindName, KindAddress, KindPhone, KindEmail,
		KindTwitter, KindInstagram, KindFacebook, KindAppleMessages, KindExternalID}
}

// Kinds lists every kind: the search kinds, then the ids.
func Kinds() []Kind {
	return append(SearchKinds(), KindUserID, KindExternalContactID, KindDialerContactID, KindJourneyCustomer)
}

// Validate returns an error naming the allowed values when k is not
// one of the search kinds, the only ones the wire's searchType and the
// types of social handles and replacement terms take.
func (k Kind) Validate() error { return checkEnum("searchType", k, SearchKinds()) }

// Searchable reports whether subjects can be searched by terms of kind k.
func (k Kind) Searchable() bool { return slices.Contains(SearchKinds(), k) }

// IsSocial reports whether k names a social handle type.
func (k Kind) IsSocial() bool {
	switch k {
	case KindTwitter, KindInstagram, KindFacebook, KindAppleMessages:
		return true
	}
	return false
}

// IsID reports whether k names a subject by an id that is resolved into
// the subject's record rather than searched: userId, externalContactId,
// dialerContactId or a journey customer.
func (k Kind) IsID() bool {
	switch k {
	case KindUserID, KindExternalContactID, KindDialerContactID, KindJourneyCustomer:
		return true
	}
	return false
}

// Shared reports whether values of kind k are commonly shared by several
// people: names (namesakes) and addresses (housemates). A shared term
// alone never identifies a person.
func (k Kind) Shared() bool { return k == KindName || k == KindAddress }

// Term is one value that names a data subject, with its kind.
type Term struct {
	Kind  Kind   `json:"kind"`
	Value string `json:"value"`
	// Scope qualifies ids that are unique only within something: the
	// contact list id of a DIALER_CONTACT_ID, the type of a
	// JOURNEY_CUSTOMER. It is "" for every other kind.
	Scope string `json:"scope,omitempty"`
}

// String describes the term's kind without its value, so that it can be
// logged without personal data.
func (t Term) String() string { return fmt.Sprintf("%s term", t.Kind) }

// Subject returns the subject that carries t alone: the search term of a
// request for t.
func (t Term) Subject() Subject {
	switch t.Kind {
	case KindName:
		return Subject{Name: t.Value}
	case KindAddress:
		return Subject{Addresses: []string{t.Value}}
	case KindPhone:
		return Subject{PhoneNumbers: []string{t.Value}}
	case KindEmail:
		return Subject{EmailAddresses: []string{t.Value}}
	case KindExternalID:
		return Subject{ExternalID: t.Value}
	case KindUserID:
		return Subject{UserID: t.Value}
	case KindExternalContactID:
		return Subject{ExternalContactID: t.Value}
	case KindDialerContactID:
		return Subject{DialerContactID: &DialerContactID{ID: t.Value, ContactListID: t.Scope}}
	case KindJourneyCustomer:
		return Subject{JourneyCustomer: &JourneyCustomer{Type: t.Scope, ID: t.Value}}
	}
	return Subject{SocialHandle: &SocialHandle{Type: t.Kind, Value: t.Value}}
}

// Terms yields every term s carries with the wire field that holds it
// (such as "emailAddresses[1]"), in a fixed order: the ids first, then
// name, external id, social handle, emails, phones and addresses. Empty
// values are skipped; a social handle's kind is its type, as given.
func (s Subject) Terms() iter.Seq2[string, Term] {
	return func(yield func(string, Term) bool) {
		one := func(field string, k Kind, v, scope string) bool {
			return v == "" || yield(field, Term{Kind: k, Value: v, Scope: scope})
		}
		many := func(field string, k Kind, vs []string) bool {
			for i, v := range vs {
				if !one(fmt.Sprintf("%s[%d]", field, i), k, v, "") {
					return false
				}
			}
			return true
		}
		var dialer, journey, social Term
		if d := s.DialerContactID; d != nil {
			dialer = Term{Kind: KindDialerContactID, Value: d.ID, Scope: d.ContactListID}
		}
		if j := s.JourneyCustomer; j != nil {
			journey = Term{Kind: KindJourneyCustomer, Value: j.ID, Scope: j.Type}
		}
		if h := s.SocialHandle; h != nil {
			social = Term{Kind: h.Type, Value: h.Value}
		}
		_ = one("userId", KindUserID, s.UserID, "") &&
			one("externalContactId", KindExternalContactID, s.ExternalContactID, "") &&
			one("dialerContactId", dialer.Kind, dialer.Value, dialer.Scope) &&
			one("journeyCustomer", journey.Kind, journey.Value, journey.Scope) &&
			one("name", KindName, s.Name, "") &&
			one("externalId", KindExternalID, s.ExternalID, "") &&
			one("socialHandle", social.Kind, social.Value, "") &&
			many("emailAddresses", KindEmail, s.EmailAddresses) &&
			many("phoneNumbers", KindPhone, s.PhoneNumbers) &&
			many("addresses", KindAddress, s.Addresses)
	}
}

// Key names the person s is: by its first id (userId, externalContactId,
// dialerContactId, journeyCustomer, then externalId), such as
// "userId:42", or by a hash of everything it carries when it has none.
// Subjects with the same Key are one person, to be merged with Merge.
func (s Subject) Key() string {
	switch {
	case s.UserID != "":
		return "userId:" + s.UserID
	case s.ExternalContactID != "":
		return "externalContactId:" + s.ExternalContactID
	case s.DialerContactID != nil && s.DialerContactID.ID != "":
		return "dialerContactId:" + s.DialerContactID.ContactListID + "/" + s.DialerContactID.ID
	case s.JourneyCustomer != nil && s.JourneyCustomer.ID != "":
		return "journeyCustomer:" + s.JourneyCustomer.Type + "/" + s.JourneyCustomer.ID
	case s.ExternalID != "":
		return "externalId:" + s.ExternalID
	}
	b, _ := json.Marshal(s)
	sum := sha256.Sum256(b)
	return "subject:" + hex.EncodeToString(sum[:8])
}

// Merge returns s with what o knows and s does not: o's single fields
// where s has none, and o's emails, phones and addresses that s lacks,
// after s's own. Neither s nor o is changed.
func (s Subject) Merge(o Subject) Subject {
	s, o = s.Clone(), o.Clone()
	for _, f := range []struct{ dst, src *string }{{&s.Name, &o.Name}, {&s.UserID, &o.UserID},
		{&s.ExternalContactID, &o.ExternalContactID}, {&s.ExternalID, &o.ExternalID}} {
		if *f.dst == "" {
			*f.dst = *f.src
		}
	}
	if s.DialerContactID == nil {
		s.DialerContactID = o.DialerContactID
	}
	if s.JourneyCustomer == nil {
		s.JourneyCustomer = o.JourneyCustomer
	}
	if s.SocialHandle == nil {
		s.SocialHandle = o.SocialHandle
	}
	union := func(x, y []string) []string {
		for _, v := range y {
			if !slices.Contains(x, v) {
				x = append(x, v)
			}
		}
		return x
	}
	s.Addresses = union(s.Addresses, o.Addresses)
	s.PhoneNumbers = union(s.PhoneNumbers, o.PhoneNumbers)
	s.EmailAddresses = union(s.EmailAddresses, o.EmailAddresses)
	return s
}
