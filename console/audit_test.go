package console

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store"
)

// verifyCounter is a Processor that counts how its chain is verified:
// whole, or after an event kept from before. fail makes the next check
// fail as a broken chain would.
type verifyCounter struct {
	*processor.Processor
	full, since int
	fail        bool
}

func (v *verifyCounter) VerifyAuditFrom(ctx context.Context, prev *store.Event) (*store.Event, int64, error) {
	if prev == nil {
		v.full++
	} else {
		v.since++
	}
	if v.fail {
		v.fail = false
		return prev, 0, &store.ChainError{Seq: 1, Reason: "altered"}
	}
	return v.Processor.VerifyAuditFrom(ctx, prev)
}

func TestAuditChecksReadOnlyWhatIsNewBetweenFullChecks(t *testing.T) {
	p, err := demo.Processor()
	if err != nil {
		t.Fatal(err)
	}
	v := &verifyCounter{Processor: p}
	ctx := gdpr.ContextWithOrganization(context.Background(), "acme")
	create := func() {
		t.Helper()
		if _, err := p.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestExport,
			Subject: gdpr.Subject{EmailAddresses: []string{demo.SamRiveraEmail}}}); err != nil {
			t.Fatal(err)
		}
	}
	var a auditChecks
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	look := func(at time.Duration, wantN int64, wantFull, wantSince int) {
		t.Helper()
		n, err := a.verify(ctx, v, "acme", t0.Add(at))
		if err != nil || n != wantN || v.full != wantFull || v.since != wantSince {
			t.Fatalf("at +%v: %d events, %v; %d whole checks and %d since the last, want %d events, %d and %d",
				at, n, err, v.full, v.since, wantN, wantFull, wantSince)
		}
	}

	create()
	look(0, 1, 1, 0)
	create()
	look(time.Minute, 2, 1, 1) // the one new event, linked to the first
	look(2*time.Minute, 2, 1, 2)
	look(fullAuditEvery, 2, 2, 2) // the whole chain again

	v.fail = true
	var ce *store.ChainError
	if _, err := a.verify(ctx, v, "acme", t0.Add(fullAuditEvery+time.Minute)); !errors.As(err, &ce) {
		t.Fatalf("a broken chain verified: %v", err)
	}
	look(fullAuditEvery+2*time.Minute, 2, 3, 3) // after a failure, the whole chain
}
