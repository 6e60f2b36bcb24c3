package processor_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/processor"
)

// TestWorkedExample plays the reference document's example: a data subject
// asks for erasure and gives a name and an email. One subject search per
// identifier; only subjects correlated with an identifier the person gave
// are kept (the namesake is not); one confirmed DELETE per matching
// subject; every request completes; searching each term again finds
// nothing but what the retention policy kept, with its legal basis.
func TestWorkedExample(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	const name, email = "Alex Morgan", "alex.morgan@example.com"

	// 1. One subject search per identifier.
	byName, err := e.p.SearchSubjects(ctx, gdpr.KindName, name)
	if err != nil {
		t.Fatal(err)
	}
	byEmail, err := e.p.SearchSubjects(ctx, gdpr.KindEmail, email)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(byName); got != 4 {
		t.Fatalf("name search found %d subjects (%v), want 4: the employee, the contact, the dialer contact and the namesake", got, ids(byName))
	}

	// 2. Keep only subjects correlated with an identifier the person gave:
	// here, those the email matched. The namesake matched only the name.
	var matching []gdpr.Subject
	for _, s := range byName {
		for _, m := range byEmail {
			if slices.Equal(ids([]gdpr.Subject{s}), ids([]gdpr.Subject{m})) {
				matching = append(matching, s)
			}
		}
	}
	wantIDs := []string{"7f9c2a10-0001-4c1e-9a55-000000000001", "c0ffee00-0000-4000-8000-000000000001"}
	if got := ids(matching); !slices.Equal(got, wantIDs) {
		t.Fatalf("matching subjects = %v, want %v", got, wantIDs)
	}

	// 3. One confirmed DELETE per matching subject, by its id.
	var reqs []*gdpr.Request
	for _, s := range matching {
		term := gdpr.Subject{UserID: s.UserID, ExternalContactID: s.ExternalContactID}
		r := e.create(t, gdpr.RequestSpec{Type: gdpr.RequestDelete, Subject: term, DeleteConfirmed: true})
		if r.Status != gdpr.StatusInitiated {
			t.Fatalf("new request status = %s, want INITIATED", r.Status)
		}
		if !slices.ContainsFunc(r.Subject.EmailAddresses, func(v string) bool { return strings.EqualFold(v, email) }) {
			t.Fatalf("resolved subject lacks the subject's known email: %+v", r.Subject)
		}
		reqs = append(reqs, r)
	}
	for _, r := range reqs {
		got := e.settle(t, r.ID)
		if got.Status != gdpr.StatusCompleted {
			t.Fatalf("request %s ended %s: %+v", r.ID, got.Status, got.Steps)
		}
		if got.Verification == nil || !got.Verification.Passed {
			t.Fatalf("erasure not verified: %+v", got.Verification)
		}
		if got.CompletedDate.IsZero() {
			t.Fatal("no completed date")
		}
	}

	// The employee's work identity is retained, with its basis, on the
	// directory step.
	r, _ := e.p.GetRequest(ctx, reqs[0].ID)
	dir := step(t, r, "directory")
	if dir.Outcome == nil || dir.Outcome.RetainedCount() != 1 || dir.Outcome.Retained[0].Basis != processor.EmployeeBasis {
		t.Fatalf("directory step = %+v, want the employee retained under %q", dir.Outcome, processor.EmployeeBasis)
	}
	// The employee's schedule is not work identity: one of the two
	// requests (whichever ran first) deleted it.
	deleted := 0
	for _, r := range reqs {
		got, _ := e.p.GetRequest(ctx, r.ID)
		deleted += step(t, got, "directory").Outcome.Deleted
	}
	if deleted != 1 {
		t.Fatalf("directory deleted %d records, want the schedule record (1)", deleted)
	}

	// 4. Search each term again: only what the policy retained is left.
	again, err := e.p.SearchSubjects(ctx, gdpr.KindEmail, email)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(again); !slices.Equal(got, wantIDs[:1]) {
		t.Fatalf("email search after erasure = %v, want only the retained employee %v", got, wantIDs[:1])
	}
	again, err = e.p.SearchSubjects(ctx, gdpr.KindName, name)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{wantIDs[0], "c0ffee00-0000-4000-8000-000000000002"}
	if got := ids(again); !slices.Equal(got, want) {
		t.Fatalf("name search after erasure = %v, want the retained employee and the untouched namesake %v", got, want)
	}
	// The contact's phone reached the dialer list too.
	again, err = e.p.SearchSubjects(ctx, gdpr.KindPhone, "+1 311 555 2368")
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 0 {
		t.Fatalf("phone search after erasure = %v, want nothing", ids(again))
	}
	// The namesake's own data is intact.
	again, err = e.p.SearchSubjects(ctx, gdpr.KindEmail, "a.morgan@example.net")
	if err != nil || len(again) != 1 {
		t.Fatalf("namesake search = %v, %v; want the namesake", ids(again), err)
	}
	if n, err := e.p.VerifyAudit(ctx); err != nil || n == 0 {
		t.Fatalf("audit chain: %d events, %v", n, err)
	}
}

func step(t *testing.T, r *gdpr.Request, adapter string) gdpr.Step {
	t.Helper()
	for _, s := range r.Steps {
		if s.Adapter == adapter {
			return s
		}
	}
	t.Fatalf("request has no step for %q: %+v", adapter, r.Steps)
	return gdpr.Step{}
}
