package processor_test

import (
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/internal/testkit"
)

// TestCountsOfAFailedAttemptAreKept: what an attempt changed before it
// failed is counted on the step, though the retry finds nothing left.
func TestCountsOfAFailedAttemptAreKept(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		spec gdpr.RequestSpec
		want func(gdpr.Outcome) int
	}{
		{"erase", gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
			Subject: gdpr.Subject{PhoneNumbers: []string{"+13115552368"}}},
			func(o gdpr.Outcome) int { return o.Anonymized }},
		{"rectify", gdpr.RequestSpec{Type: gdpr.RequestUpdate,
			Subject: gdpr.Subject{EmailAddresses: []string{"noor@bücher.example"}},
			ReplacementTerms: []gdpr.ReplacementTerm{{Type: gdpr.KindEmail,
				ExistingValue: "noor@bücher.example", UpdatedValue: "noor.haddad@example.org"}}},
			func(o gdpr.Outcome) int { return o.Updated }},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			// The same request on stores that do not fail gives the counts
			// to expect.
			plain := newEnv(t, nil)
			want := step(t, plain.settle(t, plain.create(t, c.spec).ID), "crm")

			e := newEnv(t, func(a adapter.Adapter) adapter.Adapter {
				if a.Name() == "crm" {
					return &testkit.FailAfterChange{Adapter: a}
				}
				return a
			})
			got := e.settle(t, e.create(t, c.spec).ID)
			if got.Status != gdpr.StatusCompleted {
				t.Fatalf("ended %s: %+v", got.Status, got.Steps)
			}
			s := step(t, got, "crm")
			if s.Attempts != 2 || want.Outcome == nil || c.want(*want.Outcome) == 0 {
				t.Fatalf("crm step %+v after %d attempts; want 2 attempts, and the plain run to change something (%+v)", s, s.Attempts, want)
			}
			if c.want(*s.Outcome) != c.want(*want.Outcome) || s.Records != want.Records {
				t.Errorf("crm step counts %+v, %d records; want those of a run without the failure: %+v, %d records",
					*s.Outcome, s.Records, *want.Outcome, want.Records)
			}
		})
	}
}
