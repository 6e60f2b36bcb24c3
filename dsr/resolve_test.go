package dsr_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/dsr"
	"github.com/gdprkit/gdpr/internal/demo"
)

func TestResolveNamesakeIsAmbiguousAndUntouched(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := demoProcessor(t)
	london, err := p.SearchSubjects(ctx, gdpr.KindEmail, demo.AlexMorganLondonEmail)
	if err != nil || len(london) != 1 {
		t.Fatalf("london: %v %v", london, err)
	}
	namesake := "externalContactId:" + london[0].ExternalContactID

	res := resolve(t, p, dsr.Identifiers{Names: []string{demo.AlexMorgan}, Emails: []string{demo.AlexMorganSeattleEmail}})
	v := verdicts(res)
	if len(v) != 3 || v[namesake] != "AMBIGUOUS NAME" {
		t.Fatalf("verdicts: %v", v)
	}
	if got := len(res.Confirmed()); got != 2 {
		t.Fatalf("confirmed: %d, want the Seattle contact and dialer contact: %v", got, v)
	}
	for id, verdict := range v {
		if id != namesake && verdict != "CONFIRMED NAME+EMAIL" {
			t.Errorf("%s: %s", id, verdict)
		}
	}
	if len(res.Unmatched) != 0 {
		t.Errorf("unmatched: %v", res.Unmatched)
	}

	// A delete is refused without confirmation, before anything is made.
	if _, err := res.Plan(gdpr.RequestDelete, dsr.Options{}); err == nil {
		t.Fatal("delete without DeleteConfirmed was accepted")
	}
	rep, err := fulfil(ctx, p, res, gdpr.RequestDelete, dsr.Options{DeleteConfirmed: true}, fast)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Requests != 2 || rep.Summary.Completed != 2 || rep.Summary.Verified != 2 {
		t.Fatalf("summary: %+v", rep.Summary)
	}
	for _, it := range rep.Requests {
		if it.Subject == namesake || it.Term.Kind == gdpr.KindName {
			t.Errorf("a request acts on the namesake's name: %+v", it.PlannedRequest)
		}
	}
	skippedName := slices.ContainsFunc(rep.Skipped, func(s dsr.Skipped) bool {
		return s.Term != nil && s.Term.Kind == gdpr.KindName && strings.Contains(s.Reason, namesake)
	})
	if !skippedName || !slices.ContainsFunc(rep.Skipped, func(s dsr.Skipped) bool { return s.Subject == namesake }) {
		t.Errorf("skipped does not explain the namesake: %+v", rep.Skipped)
	}

	// Only the namesake is left, with all its data.
	left, err := p.SearchSubjects(ctx, gdpr.KindName, demo.AlexMorgan)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 1 || left[0].ExternalContactID != london[0].ExternalContactID ||
		!slices.Contains(left[0].EmailAddresses, demo.AlexMorganLondonEmail) {
		t.Fatalf("after the delete, the name finds %+v", left)
	}
	if gone, _ := p.SearchSubjects(ctx, gdpr.KindEmail, demo.AlexMorganSeattleEmail); len(gone) != 0 {
		t.Fatalf("the person's email still finds %+v", gone)
	}
}

func TestResolveEmailAndPhoneConfirm(t *testing.T) {
	t.Parallel()
	p := demoProcessor(t)
	res := resolve(t, p, dsr.Identifiers{Emails: []string{" Alex.Morgan@Example.NET "}, Phones: []string{demo.AlexMorganLondonPhone}})
	if len(res.Candidates) != 1 {
		t.Fatalf("candidates: %v", verdicts(res))
	}
	c := res.Candidates[0]
	if c.Verdict != dsr.Confirmed || len(c.Matched) != 2 || !strings.HasPrefix(c.ID, "externalContactId:") {
		t.Fatalf("candidate: %+v", c)
	}
	if res.Identifiers[0].Value != demo.AlexMorganLondonEmail {
		t.Errorf("identifier not trimmed and case-folded: %q", res.Identifiers[0].Value)
	}
	// The plan asks for the subject once: the email and phone are covered.
	plan, err := res.Plan(gdpr.RequestExport, dsr.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Requests) != 1 || plan.Requests[0].Subject != c.ID || plan.Requests[0].Term.Kind != gdpr.KindExternalContactID {
		t.Fatalf("plan: %+v", plan)
	}
}

func TestResolveGivenUserID(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := demoProcessor(t)
	found, err := p.SearchSubjects(ctx, gdpr.KindEmail, demo.SamRiveraEmail)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(found, func(s gdpr.Subject) bool { return s.UserID != "" })
	if i < 0 {
		t.Fatalf("no user among %+v", found)
	}
	uid := found[i].UserID

	// Alone, the id is a confirmed candidate as given.
	res := resolve(t, p, dsr.Identifiers{UserIDs: []string{uid}})
	if v := verdicts(res); len(v) != 1 || v["userId:"+uid] != "CONFIRMED USER_ID" {
		t.Fatalf("verdicts: %v", v)
	}
	// The request by the id resolves it into the record.
	rep, err := fulfil(ctx, p, res, gdpr.RequestExport, dsr.Options{}, fast)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Requests != 1 || rep.Summary.Exported == 0 {
		t.Fatalf("export by userId: %+v", rep.Summary)
	}
	r, err := p.GetRequest(ctx, rep.Requests[0].RequestID)
	if err != nil || r.Subject.UserID != uid || !slices.Contains(r.Subject.EmailAddresses, demo.SamRiveraEmail) {
		t.Fatalf("request subject %+v, %v", r.Subject, err)
	}

	// With the name, the search finds the record that carries the id: one
	// candidate for both, and the same-named CRM contact stays ambiguous.
	res = resolve(t, p, dsr.Identifiers{Names: []string{demo.SamRivera}, UserIDs: []string{uid}})
	v := verdicts(res)
	if v["userId:"+uid] != "CONFIRMED NAME+USER_ID" || len(res.Ambiguous()) != 1 {
		t.Fatalf("verdicts: %v", v)
	}
}

func TestIdentifiersNameTheFieldToFix(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		ids  dsr.Identifiers
		want string
	}{
		{dsr.Identifiers{SocialHandles: []gdpr.SocialHandle{{Type: gdpr.KindEmail, Value: "@kim"}}}, "socialHandles[0]"},
		{dsr.Identifiers{DialerContactIDs: []gdpr.DialerContactID{{ID: "dc-1"}}}, "dialerContactIds[0]: a dialer contact id needs its contact list id"},
		{dsr.Identifiers{JourneyCustomers: []gdpr.JourneyCustomer{{ID: "jc-1"}}}, "journeyCustomers[0]: a journey customer id needs its type"},
	} {
		if _, err := tc.ids.Terms(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one saying %q", tc.ids, err, tc.want)
		}
	}
	if _, err := dsr.Resolve(context.Background(), nil, dsr.Identifiers{Names: []string{"  "}}); err == nil ||
		!strings.Contains(err.Error(), "no identifiers") {
		t.Errorf("blank identifiers: %v", err)
	}
	terms, err := dsr.Identifiers{JourneyCustomers: []gdpr.JourneyCustomer{{Type: " cookie ", ID: " jc-1 "}, {Type: "COOKIE", ID: "JC-1"}}}.Terms()
	if err != nil || len(terms) != 1 || terms[0] != (gdpr.Term{Kind: gdpr.KindJourneyCustomer, Value: "jc-1", Scope: "cookie"}) {
		t.Errorf("journey customers: %+v, %v", terms, err)
	}
}
