package gdpr_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/processor"
)

// demoProcessor is an embedded processor over the demo data, its workers
// running for the test.
func demoProcessor(t *testing.T) *processor.Processor {
	t.Helper()
	p, err := demo.Processor(processor.WithStorePoll(5 * time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return p
}

func fast(o gdpr.FulfilOptions) gdpr.FulfilOptions {
	o.PollInterval = 5 * time.Millisecond
	return o
}

func resolve(t *testing.T, svc gdpr.Service, ids gdpr.Identifiers) *gdpr.Resolution {
	t.Helper()
	res, err := gdpr.Resolve(context.Background(), svc, ids)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// verdicts maps candidate ids to "VERDICT KIND+KIND".
func verdicts(res *gdpr.Resolution) map[string]string {
	m := map[string]string{}
	for _, c := range res.Candidates {
		var kinds []string
		for _, id := range c.Matched {
			kinds = append(kinds, string(id.Kind))
		}
		m[c.ID] = string(c.Verdict) + " " + strings.Join(kinds, "+")
	}
	return m
}

func totalRequests(t *testing.T, svc gdpr.Service) int64 {
	t.Helper()
	l, err := svc.ListRequests(context.Background(), gdpr.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return l.Total
}

func TestResolveNamesakeIsAmbiguousAndUntouched(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := demoProcessor(t)
	london, err := p.SearchSubjects(ctx, gdpr.KindEmail, demo.AlexMorganLondonEmail)
	if err != nil || len(london) != 1 {
		t.Fatalf("london: %v %v", london, err)
	}
	namesake := "externalContactId:" + london[0].ExternalContactID

	res := resolve(t, p, gdpr.Identifiers{Names: []string{demo.AlexMorgan}, Emails: []string{demo.AlexMorganSeattleEmail}})
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
	if _, err := gdpr.Fulfil(ctx, p, res, gdpr.RequestDelete, fast(gdpr.FulfilOptions{})); err == nil {
		t.Fatal("delete without DeleteConfirmed was accepted")
	}
	rep, err := gdpr.Fulfil(ctx, p, res, gdpr.RequestDelete, fast(gdpr.FulfilOptions{DeleteConfirmed: true}))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Requests != 2 || rep.Summary.Completed != 2 || rep.Summary.Verified != 2 {
		t.Fatalf("summary: %+v", rep.Summary)
	}
	for _, it := range rep.Requests {
		if it.Subject == namesake || it.Term.Kind == gdpr.IdentifierName {
			t.Errorf("a request acts on the namesake's name: %+v", it.PlannedRequest)
		}
	}
	skippedName := slices.ContainsFunc(rep.Skipped, func(s gdpr.Skipped) bool {
		return s.Term != nil && s.Term.Kind == gdpr.IdentifierName && strings.Contains(s.Reason, namesake)
	})
	if !skippedName || !slices.ContainsFunc(rep.Skipped, func(s gdpr.Skipped) bool { return s.Subject == namesake }) {
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
	res := resolve(t, p, gdpr.Identifiers{Emails: []string{" Alex.Morgan@Example.NET "}, Phones: []string{demo.AlexMorganLondonPhone}})
	if len(res.Candidates) != 1 {
		t.Fatalf("candidates: %v", verdicts(res))
	}
	c := res.Candidates[0]
	if c.Verdict != gdpr.Confirmed || len(c.Matched) != 2 || !strings.HasPrefix(c.ID, "externalContactId:") {
		t.Fatalf("candidate: %+v", c)
	}
	if res.Identifiers[0].Value != demo.AlexMorganLondonEmail {
		t.Errorf("identifier not trimmed and case-folded: %q", res.Identifiers[0].Value)
	}
	// The plan asks for the subject once: the email and phone are covered.
	plan, err := res.Plan(gdpr.RequestExport, gdpr.FulfilOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Requests) != 1 || plan.Requests[0].Subject != c.ID || plan.Requests[0].Term.Kind != gdpr.IdentifierExternalContactID {
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
	res := resolve(t, p, gdpr.Identifiers{UserIDs: []string{uid}})
	if v := verdicts(res); len(v) != 1 || v["userId:"+uid] != "CONFIRMED USER_ID" {
		t.Fatalf("verdicts: %v", v)
	}
	// The request by the id resolves it into the record.
	rep, err := gdpr.Fulfil(ctx, p, res, gdpr.RequestExport, fast(gdpr.FulfilOptions{}))
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
	res = resolve(t, p, gdpr.Identifiers{Names: []string{demo.SamRivera}, UserIDs: []string{uid}})
	v := verdicts(res)
	if v["userId:"+uid] != "CONFIRMED NAME+USER_ID" || len(res.Ambiguous()) != 1 {
		t.Fatalf("verdicts: %v", v)
	}
}

func TestFulfilAgainAfterInterruptionCreatesNothingTwice(t *testing.T) {
	t.Parallel()
	p := demoProcessor(t)
	res := resolve(t, p, gdpr.Identifiers{Names: []string{demo.AlexMorgan}, Emails: []string{demo.AlexMorganSeattleEmail}})

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var first string
	opts := fast(gdpr.FulfilOptions{DeleteConfirmed: true, DSRID: "ticket-4711", Concurrency: 1})
	opts.Progress = func(pr gdpr.Progress) {
		if first == "" && pr.Request.RequestID != "" {
			first = pr.Request.RequestID
			cancel() // the operator's laptop dies here
		}
	}
	rep, err := gdpr.Fulfil(ctx, p, res, gdpr.RequestDelete, opts)
	if !errors.Is(err, context.Canceled) || rep == nil || first == "" {
		t.Fatalf("interrupted fulfil: %v, report %v, first %q", err, rep, first)
	}
	if rep.Summary.Unfinished == 0 {
		t.Errorf("an interrupted report has nothing unfinished: %+v", rep.Summary)
	}
	if n := totalRequests(t, p); n != 1 {
		t.Fatalf("%d requests after the interruption, want 1", n)
	}

	opts.Progress = nil
	rep, err = gdpr.Fulfil(context.Background(), p, res, gdpr.RequestDelete, opts)
	if err != nil {
		t.Fatal(err)
	}
	if n := totalRequests(t, p); n != int64(len(rep.Requests)) || n != 2 {
		t.Fatalf("%d requests after the rerun, report has %d, want 2", n, len(rep.Requests))
	}
	if rep.Requests[0].RequestID != first {
		t.Errorf("rerun made request %s, not the first run's %s", rep.Requests[0].RequestID, first)
	}
	// Once more, everything done: still nothing new.
	if _, err := gdpr.Fulfil(context.Background(), p, res, gdpr.RequestDelete, opts); err != nil {
		t.Fatal(err)
	}
	if n := totalRequests(t, p); n != 2 {
		t.Fatalf("%d requests after a third run", n)
	}
}

func TestFulfilDeleteReportsRetentionAndVerification(t *testing.T) {
	t.Parallel()
	p := demoProcessor(t)
	res := resolve(t, p, gdpr.Identifiers{Emails: []string{demo.SamRiveraEmail}})
	if len(res.Confirmed()) != 2 {
		t.Fatalf("verdicts: %v", verdicts(res))
	}
	var progress []gdpr.Status
	opts := fast(gdpr.FulfilOptions{DeleteConfirmed: true})
	opts.Progress = func(pr gdpr.Progress) {
		progress = append(progress, pr.Request.Status)
		if pr.Total != 2 || pr.Done > pr.Total {
			t.Errorf("progress %d of %d", pr.Done, pr.Total)
		}
	}
	rep, err := gdpr.Fulfil(context.Background(), p, res, gdpr.RequestDelete, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(progress, gdpr.StatusCompleted) {
		t.Errorf("progress never saw COMPLETED: %v", progress)
	}
	s := rep.Summary
	if s.Completed != 2 || s.Verified != 2 || s.VerificationFailed != 0 {
		t.Fatalf("summary: %+v", s)
	}
	if len(s.Retained) != 1 || s.Retained[0].Basis != processor.EmployeeBasis || s.Retained[0].Records == 0 {
		t.Fatalf("retained: %+v", s.Retained)
	}
	if s.DueDate.IsZero() || s.FinishedDate.IsZero() {
		t.Errorf("dates: %+v", s)
	}
	retainedStep := false
	for _, it := range rep.Requests {
		if it.Verification == nil || !it.Verification.Passed || it.FinishedDate.IsZero() || it.DueDate.IsZero() {
			t.Errorf("request %s: %+v", it.RequestID, it)
		}
		for _, st := range it.Steps {
			if st.Adapter == demo.Directory && st.Outcome != nil && st.Outcome.RetainedCount() > 0 {
				retainedStep = true
			}
		}
	}
	if !retainedStep {
		t.Error("no step shows the directory record retained")
	}

	// The report is JSON for the DSR's records.
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var back gdpr.Report
	if err := json.Unmarshal(b, &back); err != nil || back.Summary.Verified != 2 || !strings.Contains(string(b), "legitimate interests") {
		t.Fatalf("round trip: %v\n%s", err, b)
	}
}

func TestPlanRules(t *testing.T) {
	t.Parallel()
	name := gdpr.Identifier{Kind: gdpr.IdentifierName, Value: "Kim Lee"}
	email := gdpr.Identifier{Kind: gdpr.IdentifierEmail, Value: "kim@example.com"}
	phone := gdpr.Identifier{Kind: gdpr.IdentifierPhone, Value: "+15555550100"}
	addr := gdpr.Identifier{Kind: gdpr.IdentifierAddress, Value: "1 Main St"}
	res := &gdpr.Resolution{
		Identifiers: []gdpr.Identifier{name, email, phone, addr},
		Candidates: []gdpr.Candidate{
			{ID: "userId:u1", Subject: gdpr.Subject{UserID: "u1"}, Matched: []gdpr.Identifier{name, email}, Verdict: gdpr.Confirmed},
			{ID: "userId:u2", Subject: gdpr.Subject{UserID: "u2"}, Matched: []gdpr.Identifier{name}, Verdict: gdpr.Ambiguous},
			{ID: "subject:ab", Subject: gdpr.Subject{Addresses: []string{"1 Main St"}}, Matched: []gdpr.Identifier{addr}, Verdict: gdpr.Ambiguous},
		},
		Unmatched: []gdpr.Identifier{phone},
	}
	terms := func(p *gdpr.Plan) (out []string) {
		for _, q := range p.Requests {
			out = append(out, q.Subject+"/"+string(q.Term.Kind))
		}
		return out
	}
	p, err := res.Plan(gdpr.RequestExport, gdpr.FulfilOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// u1 by id; the name also finds u2, the email is covered, the phone
	// reaches what no subject holds, the address alone identifies nobody.
	if got := strings.Join(terms(p), " "); got != "userId:u1/USER_ID /PHONE" {
		t.Errorf("default plan: %s", got)
	}
	p, err = res.Plan(gdpr.RequestExport, gdpr.FulfilOptions{Include: []string{"u2", "subject:ab"}})
	if err != nil {
		t.Fatal(err)
	}
	// Everyone the name and the address find is accepted; the subject
	// without an id is reached by its address.
	if got := strings.Join(terms(p), " "); got != "userId:u1/USER_ID userId:u2/USER_ID /PHONE /ADDRESS" {
		t.Errorf("plan with includes: %s", got)
	}
	if _, err := res.Plan(gdpr.RequestExport, gdpr.FulfilOptions{Include: []string{"nobody"}}); err == nil {
		t.Error("include of an unknown candidate accepted")
	}
	if _, err := res.Plan(gdpr.RequestUpdate, gdpr.FulfilOptions{}); err == nil {
		t.Error("update without replacement terms accepted")
	}
	a, _ := res.Plan(gdpr.RequestExport, gdpr.FulfilOptions{DSRID: "x"})
	b, _ := res.Plan(gdpr.RequestExport, gdpr.FulfilOptions{DSRID: "x"})
	c, _ := res.Plan(gdpr.RequestExport, gdpr.FulfilOptions{DSRID: "y"})
	if a.Requests[0].IdempotencyKey != b.Requests[0].IdempotencyKey || a.Requests[0].IdempotencyKey == c.Requests[0].IdempotencyKey {
		t.Error("idempotency keys are not derived from the DSR id")
	}
	if strings.Contains(a.Requests[1].IdempotencyKey, "5555") {
		t.Error("idempotency key shows the term")
	}
}
