package dsr_test

import (
	"strings"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/dsr"
)

func TestPlanRules(t *testing.T) {
	t.Parallel()
	name := gdpr.Term{Kind: gdpr.KindName, Value: "Kim Lee"}
	email := gdpr.Term{Kind: gdpr.KindEmail, Value: "kim@example.com"}
	phone := gdpr.Term{Kind: gdpr.KindPhone, Value: "+15555550100"}
	addr := gdpr.Term{Kind: gdpr.KindAddress, Value: "1 Main St"}
	res := &dsr.Resolution{
		Identifiers: []gdpr.Term{name, email, phone, addr},
		Candidates: []dsr.Candidate{
			{ID: "userId:u1", Subject: gdpr.Subject{UserID: "u1"}, Matched: []gdpr.Term{name, email}, Verdict: dsr.Confirmed},
			{ID: "userId:u2", Subject: gdpr.Subject{UserID: "u2"}, Matched: []gdpr.Term{name}, Verdict: dsr.Ambiguous},
			{ID: "subject:ab", Subject: gdpr.Subject{Addresses: []string{"1 Main St"}}, Matched: []gdpr.Term{addr}, Verdict: dsr.Ambiguous},
		},
		Unmatched: []gdpr.Term{phone},
	}
	terms := func(p *dsr.Plan) (out []string) {
		for _, q := range p.Requests {
			out = append(out, q.Subject+"/"+string(q.Term.Kind))
		}
		return out
	}
	p, err := res.Plan(gdpr.RequestExport, dsr.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// u1 by id; the name also finds u2, the email is covered, the phone
	// reaches what no subject holds, the address alone identifies nobody.
	if got := strings.Join(terms(p), " "); got != "userId:u1/USER_ID /PHONE" {
		t.Errorf("default plan: %s", got)
	}
	p, err = res.Plan(gdpr.RequestExport, dsr.Options{Include: []string{"u2", "subject:ab"}})
	if err != nil {
		t.Fatal(err)
	}
	// Everyone the name and the address find is accepted; the subject
	// without an id is reached by its address.
	if got := strings.Join(terms(p), " "); got != "userId:u1/USER_ID userId:u2/USER_ID /PHONE /ADDRESS" {
		t.Errorf("plan with includes: %s", got)
	}
	if _, err := res.Plan(gdpr.RequestExport, dsr.Options{Include: []string{"nobody"}}); err == nil {
		t.Error("include of an unknown candidate accepted")
	}
	if _, err := res.Plan(gdpr.RequestUpdate, dsr.Options{}); err == nil {
		t.Error("update without replacement terms accepted")
	}
	a, _ := res.Plan(gdpr.RequestExport, dsr.Options{DSRID: "x"})
	b, _ := res.Plan(gdpr.RequestExport, dsr.Options{DSRID: "x"})
	c, _ := res.Plan(gdpr.RequestExport, dsr.Options{DSRID: "y"})
	if a.Requests[0].IdempotencyKey != b.Requests[0].IdempotencyKey || a.Requests[0].IdempotencyKey == c.Requests[0].IdempotencyKey {
		t.Error("idempotency keys are not derived from the DSR id")
	}
	if strings.Contains(a.Requests[1].IdempotencyKey, "5555") {
		t.Error("idempotency key shows the term")
	}
}

// Idempotency keys are what makes a second submission create nothing: a
// plan made by this version for a DSR submitted by an earlier one must
// give the keys the earlier one sent.
func TestIdempotencyKeysAreStable(t *testing.T) {
	t.Parallel()
	dialer := gdpr.Term{Kind: gdpr.KindDialerContactID, Value: "dc-17", Scope: "renewals"}
	res := &dsr.Resolution{
		Identifiers: []gdpr.Term{dialer},
		Candidates: []dsr.Candidate{{ID: "dialerContactId:renewals/dc-17", Verdict: dsr.Confirmed, Matched: []gdpr.Term{dialer},
			Subject: gdpr.Subject{DialerContactID: &gdpr.DialerContactID{ID: "dc-17", ContactListID: "renewals"}}}},
	}
	p, err := res.Plan(gdpr.RequestExport, dsr.Options{DSRID: "ticket-4711"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.Requests[0].IdempotencyKey, "gdpr-dsr-e179216e6ee40c8e3a0351bedcf070af"; got != want {
		t.Errorf("idempotency key %s, want %s as before", got, want)
	}
	if got, want := dsr.DeriveID(res.Identifiers), "dsr-5389d267f1084c97"; got != want {
		t.Errorf("derived id %s, want %s as before", got, want)
	}
}
