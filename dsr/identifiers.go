package dsr

import (
	"fmt"
	"strings"

	"github.com/gdprkit/gdpr"
)

// Identifiers is everything a person gave to be found by. Every field is
// optional; empty values are ignored.
type Identifiers struct {
	Names              []string               `json:"names,omitempty"`
	Emails             []string               `json:"emails,omitempty"`
	Phones             []string               `json:"phones,omitempty"`
	Addresses          []string               `json:"addresses,omitempty"`
	SocialHandles      []gdpr.SocialHandle    `json:"socialHandles,omitempty"`
	ExternalIDs        []string               `json:"externalIds,omitempty"`
	UserIDs            []string               `json:"userIds,omitempty"`
	ExternalContactIDs []string               `json:"externalContactIds,omitempty"`
	DialerContactIDs   []gdpr.DialerContactID `json:"dialerContactIds,omitempty"`
	// JourneyCustomers are the web visitor ids (a cookie, say) the person
	// gave, each with its type.
	JourneyCustomers []gdpr.JourneyCustomer `json:"journeyCustomers,omitempty"`
}

// Terms returns the identifiers as terms, one by one, in a fixed order
// (names, emails, phones, addresses, social handles, external ids, then
// the ids), with surrounding space trimmed, emails in lower case, empty
// values dropped and repeats (same kind, scope and value, in any case)
// listed once. A dialer contact id's list and a journey customer's type
// are the term's Scope.
//
// It fails on a social handle of a type that is not a social type, a
// dialer contact id without its contact list and a journey customer
// without its type.
func (ids Identifiers) Terms() ([]gdpr.Term, error) {
	var out []gdpr.Term
	seen := map[string]bool{}
	add := func(k gdpr.Kind, v, scope string) {
		v, scope = strings.TrimSpace(v), strings.TrimSpace(scope)
		if k == gdpr.KindEmail {
			v = strings.ToLower(v)
		}
		key := string(k) + "\x00" + strings.ToLower(scope) + "\x00" + strings.ToLower(v)
		if v == "" || seen[key] {
			return
		}
		seen[key] = true
		out = append(out, gdpr.Term{Kind: k, Value: v, Scope: scope})
	}
	for _, group := range []struct {
		k  gdpr.Kind
		vs []string
	}{{gdpr.KindName, ids.Names}, {gdpr.KindEmail, ids.Emails}, {gdpr.KindPhone, ids.Phones}, {gdpr.KindAddress, ids.Addresses}} {
		for _, v := range group.vs {
			add(group.k, v, "")
		}
	}
	for i, h := range ids.SocialHandles {
		if !h.Type.IsSocial() {
			return nil, fmt.Errorf("dsr: identifiers: socialHandles[%d]: social handle type %q is not one of TWITTER, INSTAGRAM, FACEBOOK, APPLE_MESSAGES", i, h.Type)
		}
		add(h.Type, h.Value, "")
	}
	for _, group := range []struct {
		k  gdpr.Kind
		vs []string
	}{{gdpr.KindExternalID, ids.ExternalIDs}, {gdpr.KindUserID, ids.UserIDs}, {gdpr.KindExternalContactID, ids.ExternalContactIDs}} {
		for _, v := range group.vs {
			add(group.k, v, "")
		}
	}
	for i, d := range ids.DialerContactIDs {
		if strings.TrimSpace(d.ID) != "" && strings.TrimSpace(d.ContactListID) == "" {
			return nil, fmt.Errorf("dsr: identifiers: dialerContactIds[%d]: a dialer contact id needs its contact list id", i)
		}
		add(gdpr.KindDialerContactID, d.ID, d.ContactListID)
	}
	for i, j := range ids.JourneyCustomers {
		if strings.TrimSpace(j.ID) != "" && strings.TrimSpace(j.Type) == "" {
			return nil, fmt.Errorf("dsr: identifiers: journeyCustomers[%d]: a journey customer id needs its type (such as \"cookie\")", i)
		}
		add(gdpr.KindJourneyCustomer, j.ID, j.Type)
	}
	return out, nil
}
