package adapter

import (
	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/internal/normalize"
)

// Normalizer puts terms into normal form. The zero value reads phone
// numbers only in E.164; set Region to read national numbers.
type Normalizer struct {
	// Region is the ISO 3166 region that phone numbers without a country
	// code are read in, e.g. "GB". "" requires a country code.
	Region string
}

// Term returns t normalized, or an *gdpr.APIError (400 invalid.value)
// naming the term's kind when its value is not valid.
func (n Normalizer) Term(t gdpr.Term) (gdpr.Term, error) {
	var err error
	switch t.Kind {
	case gdpr.KindEmail:
		t.Value, err = normalize.Email(t.Value)
	case gdpr.KindPhone:
		t.Value, err = normalize.Phone(t.Value, n.Region)
	case gdpr.KindName, gdpr.KindAddress:
		t.Value, err = normalize.Text(string(t.Kind), t.Value)
	case gdpr.KindTwitter, gdpr.KindInstagram, gdpr.KindFacebook, gdpr.KindAppleMessages:
		t.Value, err = normalize.Handle(string(t.Kind), t.Value)
	case gdpr.KindExternalID, gdpr.KindUserID, gdpr.KindExternalContactID:
		t.Value, err = normalize.ID(string(t.Kind), t.Value)
	case gdpr.KindDialerContactID, gdpr.KindJourneyCustomer:
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
func (n Normalizer) Value(k gdpr.Kind, v string) (string, error) {
	t, err := n.Term(gdpr.Term{Kind: k, Value: v})
	return t.Value, err
}
