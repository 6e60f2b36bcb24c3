package processor

import (
	"fmt"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/internal/normalize"
)

// Kind is the kind of a Term: one of the wire search types, or one of the
// subject ids.
type Kind string

// Term kinds. The first nine are the wire search types; the rest are the
// ids a subject can be named by.
const (
	KindName              Kind = Kind(gdpr.SearchName)
	KindAddress           Kind = Kind(gdpr.SearchAddress)
	KindPhone             Kind = Kind(gdpr.SearchPhone)
	KindEmail             Kind = Kind(gdpr.SearchEmail)
	KindTwitter           Kind = Kind(gdpr.SearchTwitter)
	KindInstagram         Kind = Kind(gdpr.SearchInstagram)
	KindFacebook          Kind = Kind(gdpr.SearchFacebook)
	KindAppleMessages     Kind = Kind(gdpr.SearchAppleMessages)
	KindExternalID        Kind = Kind(gdpr.SearchExternalID)
	KindUserID            Kind = "USER_ID"
	KindExternalContactID Kind = "EXTERNAL_CONTACT_ID"
	KindDialerContactID   Kind = "DIALER_CONTACT_ID"
	KindJourneyCustomer   Kind = "JOURNEY_CUSTOMER"
)

// IsID reports whether k names a subject by an id that the processor
// resolves into the subject's record: userId, externalContactId,
// dialerContactId or a journey customer.
func (k Kind) IsID() bool {
	switch k {
	case KindUserID, KindExternalContactID, KindDialerContactID, KindJourneyCustomer:
		return true
	}
	return false
}

// Shared reports whether values of kind k are commonly shared by several
// people (names, addresses). A request whose term is an id acts on the
// shared fields of the resolved record only through that record, never by
// matching the value elsewhere, so that a namesake is not touched.
func (k Kind) Shared() bool { return k == KindName || k == KindAddress }

// Term is one normalized search term. Adapters receive only normalized
// terms: compare Value byte for byte with values normalized by Normalize.
type Term struct {
	Kind  Kind   `json:"kind"`
	Value string `json:"value"`
	// Scope qualifies ids that are unique only within something: the
	// contact list id of a DIALER_CONTACT_ID, the type of a
	// JOURNEY_CUSTOMER, where it is required. It is "" for every other
	// kind.
	Scope string `json:"scope,omitempty"`
}

// Normalizer puts terms into normal form. The zero value reads phone
// numbers only in E.164; set Region to read national numbers.
type Normalizer struct {
	// Region is the ISO 3166 region that phone numbers without a country
	// code are read in, e.g. "GB". "" requires a country code.
	Region string
}

// Term returns t normalized, or an *gdpr.APIError (400 invalid.value)
// naming the term's kind when its value is not valid.
func (n Normalizer) Term(t Term) (Term, error) {
	var err error
	switch t.Kind {
	case KindEmail:
		t.Value, err = normalize.Email(t.Value)
	case KindPhone:
		t.Value, err = normalize.Phone(t.Value, n.Region)
	case KindName, KindAddress:
		t.Value, err = normalize.Text(string(t.Kind), t.Value)
	case KindTwitter, KindInstagram, KindFacebook, KindAppleMessages:
		t.Value, err = normalize.Handle(string(t.Kind), t.Value)
	case KindExternalID, KindUserID, KindExternalContactID:
		t.Value, err = normalize.ID(string(t.Kind), t.Value)
	case KindDialerContactID, KindJourneyCustomer:
		t.Value, err = normalize.ID(string(t.Kind), t.Value)
		if err == nil {
			t.Scope, err = normalize.ID(string(t.Kind)+" scope", t.Scope)
		}
	default:
		return t, gdpr.NewFieldError(400, gdpr.CodeInvalidValue, "type",
			"term kind %q is not known", t.Kind)
	}
	if err != nil {
		return t, gdpr.NewFieldError(400, gdpr.CodeInvalidValue, string(t.Kind),
			"%s: %s", t.Kind, err.Error())
	}
	return t, nil
}

// Value normalizes one value of kind k, for adapters that index their data.
func (n Normalizer) Value(k Kind, v string) (string, error) {
	t, err := n.Term(Term{Kind: k, Value: v})
	return t.Value, err
}

// Terms returns every term a subject carries, not normalized, in a fixed
// order: ids first, then name, external id, social handle, emails, phones
// and addresses.
func Terms(s gdpr.Subject) []Term {
	var ts []Term
	add := func(k Kind, v, scope string) {
		if v != "" {
			ts = append(ts, Term{Kind: k, Value: v, Scope: scope})
		}
	}
	add(KindUserID, s.UserID, "")
	add(KindExternalContactID, s.ExternalContactID, "")
	if d := s.DialerContactID; d != nil {
		add(KindDialerContactID, d.ID, d.ContactListID)
	}
	if j := s.JourneyCustomer; j != nil {
		add(KindJourneyCustomer, j.ID, j.Type)
	}
	add(KindName, s.Name, "")
	add(KindExternalID, s.ExternalID, "")
	if h := s.SocialHandle; h != nil {
		add(Kind(h.Type), h.Value, "")
	}
	for _, e := range s.EmailAddresses {
		add(KindEmail, e, "")
	}
	for _, p := range s.PhoneNumbers {
		add(KindPhone, p, "")
	}
	for _, a := range s.Addresses {
		add(KindAddress, a, "")
	}
	return ts
}

// String describes the term's kind without its value, so that it can be
// logged without personal data.
func (t Term) String() string { return fmt.Sprintf("%s term", t.Kind) }
