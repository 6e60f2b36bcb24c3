package adaptertest

import "github.com/gdprkit/gdpr"

// The organizations of NewTenantFixture.
const (
	OrgA = "org-a"
	OrgB = "org-b"
)

// NewTenantFixture returns the data set of the isolation section: two
// organizations, each holding a person called Jordan Blake with the same
// email, phone and address, and records linked to each; organization B
// also holds casey, whom organization A has never heard of. Ids differ
// between the organizations (ec-a-jordan, ec-b-jordan). Every person
// names its Organization; every call of the section names one. Every call
// returns a new copy, sharing no memory with any other.
func NewTenantFixture() Fixture {
	jordan := func(org, key, ecid string) Person {
		return Person{
			Key:               key,
			Kind:              KindExternalContact,
			Organization:      org,
			ExternalContactID: ecid,
			Name:              "Jordan Blake",
			Emails:            []string{"jordan.blake@example.com"},
			Phones:            []string{"+44 20 7946 0999"},
			Addresses:         []string{"2 Park Row, Leeds LS1 5HD"},
		}
	}
	return Fixture{
		People: []Person{
			jordan(OrgA, "a-jordan", "ec-a-jordan"),
			jordan(OrgB, "b-jordan", "ec-b-jordan"),
			{
				Key:          "b-casey",
				Kind:         KindUser,
				Organization: OrgB,
				UserID:       "u-b-casey",
				Name:         "Casey Park",
				Emails:       []string{"casey.park@example.org"},
				Employment:   EmploymentFormer,
			},
		},
		Records: []Linked{
			{ID: "chat-a-jordan", Kind: "chatTranscript", Person: "a-jordan",
				Fields: map[string]string{"channel": "webchat", "text": "Jordan Blake for organization A"}},
			{ID: "order-a-jordan", Kind: "order", Person: "a-jordan",
				Fields: map[string]string{"orderNumber": "SO-A-1", "shipTo": "2 Park Row, Leeds LS1 5HD"}},
			{ID: "chat-b-jordan", Kind: "chatTranscript", Person: "b-jordan",
				Fields: map[string]string{"channel": "email", "text": "Jordan Blake for organization B"}},
			{ID: "order-b-jordan", Kind: "order", Person: "b-jordan",
				Fields: map[string]string{"orderNumber": "SO-B-1", "shipTo": "2 Park Row, Leeds LS1 5HD"}},
		},
	}
}

// jordanTerms are the terms both organizations' Jordan Blake carry, as
// written.
func jordanTerms() []gdpr.Term {
	return []gdpr.Term{
		{Kind: gdpr.KindName, Value: "Jordan Blake"},
		{Kind: gdpr.KindEmail, Value: "jordan.blake@example.com"},
		{Kind: gdpr.KindPhone, Value: "+44 20 7946 0999"},
		{Kind: gdpr.KindAddress, Value: "2 Park Row, Leeds LS1 5HD"},
	}
}
