package adaptertest

import (
	"slices"

	"github.com/gdprkit/gdpr"
)

// Fixture is the data set the suite runs on: people who carry every kind
// of term between them, and records linked to them. TestAdapter hands a
// new Fixture to newAdapter, which loads it into the store under test: a
// row per person and a table per kind of linked record in SQL, a document
// per person behind a service, and so on. How it is laid out is the
// adapter's business; what the suite then asks of the adapter is in
// TestAdapter's documentation.
//
// The people are:
//
//   - alex-1 and alex-2, namesakes ("Alex Morgan") of different kinds;
//   - sam, a current employee, and kim, a former one;
//   - dana, who shares alex-2's dialer contact id in another contact list
//     and alex-1's journey customer id under another type;
//   - robin, whose email has an internationalized domain.
//
// Phones and addresses are written loosely in places, as they are in real
// data, so that only normalized matching finds them.
type Fixture struct {
	People  []Person
	Records []Linked
}

// Kinds of person: the Record.Kind under which Export reports a person.
const (
	KindUser            = "user"
	KindExternalContact = "externalContact"
	KindDialerContact   = "dialerContact"
)

// Employment values of a person.
const (
	EmploymentCurrent = "current"
	EmploymentFormer  = "former"
)

// Person is one data subject of the fixture, with every value written as
// the store should hold it. Fields left empty are absent: the store holds
// nothing there.
type Person struct {
	// Key names the person: unique, not personal. Export reports the
	// person as a Record whose ID is Key.
	Key string
	// Kind is KindUser, KindExternalContact or KindDialerContact.
	Kind string
	// Organization is the organization that owns the person and its
	// linked records; "" in the data set of NewFixture, set on everyone
	// in that of NewTenantFixture.
	Organization string
	// Employment is EmploymentCurrent, EmploymentFormer or "". Export
	// reports it as Record.Fields["employment"], where retention reads it.
	Employment string

	UserID            string
	ExternalContactID string
	DialerContactID   *gdpr.DialerContactID
	JourneyCustomer   *gdpr.JourneyCustomer
	ExternalID        string
	Name              string
	Emails            []string
	Phones            []string
	Addresses         []string
	// SocialHandles are searched by their type; the person's subject
	// carries the first.
	SocialHandles []gdpr.SocialHandle

	// Attributes is data about the person that no term names; the suite
	// reads none of it.
	Attributes map[string]string
}

// Linked is a record that belongs to one person, such as a chat
// transcript, an order or a call recording. The terms of its person find
// it; nothing else does.
type Linked struct {
	// ID names the record: unique among record ids and person keys.
	ID string
	// Kind says what the record is, e.g. "chatTranscript".
	Kind string
	// Person is the Key of the person the record belongs to. Export
	// reports it as Record.Fields["person"].
	Person string
	// Fields is the record's data. Erasure must delete the record or
	// change every one of these values.
	Fields map[string]string
}

// Organizations returns the organizations that own people of fx, each
// once, in the order of fx.People; none for the data set of NewFixture.
// An adapter loaded with a data set that has organizations must be
// tenant-scoped (see TestAdapter).
func (fx Fixture) Organizations() []string {
	var orgs []string
	for _, p := range fx.People {
		if p.Organization != "" && !slices.Contains(orgs, p.Organization) {
			orgs = append(orgs, p.Organization)
		}
	}
	return orgs
}

// Subject returns the subject that Search and Resolve must answer for p:
// every term as written, and the first of its social handles. It shares
// no memory with p.
func (p Person) Subject() gdpr.Subject {
	s := gdpr.Subject{
		Name:              p.Name,
		UserID:            p.UserID,
		ExternalContactID: p.ExternalContactID,
		DialerContactID:   p.DialerContactID,
		JourneyCustomer:   p.JourneyCustomer,
		ExternalID:        p.ExternalID,
		Addresses:         p.Addresses,
		PhoneNumbers:      p.Phones,
		EmailAddresses:    p.Emails,
	}
	if len(p.SocialHandles) > 0 {
		s.SocialHandle = &p.SocialHandles[0]
	}
	return s.Clone()
}

// Terms returns every term of p as written, not normalized: the ids, the
// name, the external id, every social handle, then emails, phones and
// addresses.
func (p Person) Terms() []gdpr.Term {
	var ts []gdpr.Term
	add := func(k gdpr.Kind, v, scope string) {
		if v != "" {
			ts = append(ts, gdpr.Term{Kind: k, Value: v, Scope: scope})
		}
	}
	add(gdpr.KindUserID, p.UserID, "")
	add(gdpr.KindExternalContactID, p.ExternalContactID, "")
	if d := p.DialerContactID; d != nil {
		add(gdpr.KindDialerContactID, d.ID, d.ContactListID)
	}
	if j := p.JourneyCustomer; j != nil {
		add(gdpr.KindJourneyCustomer, j.ID, j.Type)
	}
	add(gdpr.KindName, p.Name, "")
	add(gdpr.KindExternalID, p.ExternalID, "")
	for _, h := range p.SocialHandles {
		add(h.Type, h.Value, "")
	}
	for _, v := range p.Emails {
		add(gdpr.KindEmail, v, "")
	}
	for _, v := range p.Phones {
		add(gdpr.KindPhone, v, "")
	}
	for _, v := range p.Addresses {
		add(gdpr.KindAddress, v, "")
	}
	return ts
}

// NewFixture returns the suite's data set. Every call returns a new copy,
// sharing no memory with any other.
func NewFixture() Fixture {
	return Fixture{
		People: []Person{
			{
				Key:               "alex-1",
				Kind:              KindExternalContact,
				ExternalContactID: "ec-alex-1",
				JourneyCustomer:   &gdpr.JourneyCustomer{Type: "cookie", ID: "jc-alex-1"},
				ExternalID:        "CUST-1001",
				Name:              "Alex Morgan",
				Emails:            []string{"alex.morgan@example.com"},
				Phones:            []string{"+44 20 7946 0123"},
				Addresses:         []string{"1 High Street, London N1 9GU"},
				SocialHandles: []gdpr.SocialHandle{
					{Type: gdpr.KindTwitter, Value: "@AlexMorgan"},
					{Type: gdpr.KindInstagram, Value: "alex.m.london"},
				},
				Attributes: map[string]string{"tier": "gold"},
			},
			{
				Key:             "alex-2",
				Kind:            KindDialerContact,
				DialerContactID: &gdpr.DialerContactID{ID: "dc-100", ContactListID: "cl-renewals"},
				Name:            "Alex Morgan",
				Emails:          []string{"a.morgan@example.org"},
				Phones:          []string{"+14155550123"},
				Addresses:       []string{"500 Market Street, San Francisco, CA 94105"},
				SocialHandles:   []gdpr.SocialHandle{{Type: gdpr.KindInstagram, Value: "alex.morgan.sf"}},
			},
			{
				Key:           "sam",
				Kind:          KindUser,
				UserID:        "u-sam",
				Name:          "Sam Rivera",
				Emails:        []string{"sam.rivera@example.com", "sam@example.net"},
				Phones:        []string{"+49 30 901820"},
				SocialHandles: []gdpr.SocialHandle{{Type: gdpr.KindFacebook, Value: "sam.rivera"}},
				Employment:    EmploymentCurrent,
				Attributes:    map[string]string{"department": "Support"},
			},
			{
				Key:        "kim",
				Kind:       KindUser,
				UserID:     "u-kim",
				Name:       "Kim Lee",
				Emails:     []string{"kim.lee@example.net"},
				Phones:     []string{"+81 3 1234 5678"},
				Employment: EmploymentFormer,
			},
			{
				Key:               "robin",
				Kind:              KindExternalContact,
				ExternalContactID: "ec-robin",
				ExternalID:        "CUST-1002",
				Name:              "Robin Weiß",
				Emails:            []string{"robin@bücher.example"},
				SocialHandles:     []gdpr.SocialHandle{{Type: gdpr.KindAppleMessages, Value: "robin.apple@example.net"}},
			},
			{
				Key:             "dana",
				Kind:            KindDialerContact,
				DialerContactID: &gdpr.DialerContactID{ID: "dc-100", ContactListID: "cl-winback"},
				JourneyCustomer: &gdpr.JourneyCustomer{Type: "device", ID: "jc-alex-1"},
				Name:            "Dana Chen",
				Phones:          []string{"+61 2 5550 1234"},
			},
		},
		Records: []Linked{
			{ID: "chat-alex-1", Kind: "chatTranscript", Person: "alex-1",
				Fields: map[string]string{"channel": "webchat", "text": "Hi, this is Alex Morgan, my order has not arrived."}},
			{ID: "order-alex-1", Kind: "order", Person: "alex-1",
				Fields: map[string]string{"orderNumber": "SO-1001", "shipTo": "1 High Street, London N1 9GU"}},
			{ID: "call-alex-2", Kind: "callRecording", Person: "alex-2",
				Fields: map[string]string{"campaign": "renewals", "recording": "s3://calls/alex-2.wav"}},
			{ID: "chat-sam", Kind: "chatTranscript", Person: "sam",
				Fields: map[string]string{"channel": "webchat", "text": "Sam Rivera here, please call me on my mobile."}},
			{ID: "order-robin", Kind: "order", Person: "robin",
				Fields: map[string]string{"orderNumber": "SO-1002", "shipTo": "Robin Weiß, Hauptstraße 5, Berlin"}},
			{ID: "call-dana", Kind: "callRecording", Person: "dana",
				Fields: map[string]string{"campaign": "winback", "recording": "s3://calls/dana.wav"}},
		},
	}
}
