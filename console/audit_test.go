package console

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/memstore"
)

// checkCounter is a Processor that counts how its chain is checked:
// whole, or after a mark kept from before. fail makes the next check
// find the chain broken.
type checkCounter struct {
	*processor.Processor
	full, since int
	fail        bool
}

func (c *checkCounter) CheckAudit(ctx context.Context, mark *evidence.Mark) (processor.AuditCheck, error) {
	if mark == nil {
		c.full++
	} else {
		c.since++
	}
	if c.fail {
		c.fail = false
		return processor.AuditCheck{}, &evidence.Error{Kind: evidence.KindEdited, Seq: 1, Reason: "altered"}
	}
	return c.Processor.CheckAudit(ctx, mark)
}

// countingStore counts the audit events and checkpoints read from it.
type countingStore struct {
	*memstore.Store
	events, checkpoints int
}

func (s *countingStore) Events(ctx context.Context, org string, after int64, limit int) ([]store.Event, error) {
	evs, err := s.Store.Events(ctx, org, after, limit)
	s.events += len(evs)
	return evs, err
}

func (s *countingStore) Checkpoints(ctx context.Context, org string, after int64, limit int) ([]store.Checkpoint, error) {
	cps, err := s.Store.Checkpoints(ctx, org, after, limit)
	s.checkpoints += len(cps)
	return cps, err
}

func TestAuditChecksReadOnlyWhatIsNewBetweenFullChecks(t *testing.T) {
	p, err := demo.Processor()
	if err != nil {
		t.Fatal(err)
	}
	c := &checkCounter{Processor: p}
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
	look := func(at time.Duration, wantAll, wantNew int64, wantFull, wantSince int) auditLook {
		t.Helper()
		l, err := a.verify(ctx, c, "acme", t0.Add(at))
		if err != nil || l.Problem != nil || l.AllEvents != wantAll || l.Events != wantNew || c.full != wantFull || c.since != wantSince {
			t.Fatalf("at +%v: %d events in all, %d new, %v %v; %d whole checks and %d since the last; want %d, %d, %d and %d",
				at, l.AllEvents, l.Events, err, l.Problem, c.full, c.since, wantAll, wantNew, wantFull, wantSince)
		}
		return l
	}

	create()
	if l := look(0, 1, 1, 1, 0); !l.Full || !l.FullAt.Equal(t0) || l.Signed {
		t.Fatalf("the first look = %+v; want a whole check, unsigned, at %v", l, t0)
	}
	create()
	look(time.Minute, 2, 1, 1, 1) // the one new event, linked to the first
	if l := look(2*time.Minute, 2, 0, 1, 2); l.Full || !l.FullAt.Equal(t0) || !l.NextFull().Equal(t0.Add(fullAuditEvery)) {
		t.Fatalf("a look between whole checks = %+v; want the last whole check at %v", l, t0)
	}
	look(fullAuditEvery, 2, 2, 2, 2) // the whole chain again

	c.fail = true
	if l, err := a.verify(ctx, c, "acme", t0.Add(fullAuditEvery+time.Minute)); err != nil || l.Problem == nil || l.Problem.Seq != 1 {
		t.Fatalf("a broken chain: %+v, %v; want its problem at event 1", l.Problem, err)
	}
	look(fullAuditEvery+2*time.Minute, 2, 2, 3, 3) // after a problem, the whole chain
}

// Between full checks, a processor that signs is checked for what was
// added: the store is read for the new events and checkpoints, and for
// the last ones verified before, not for the whole chain.
func TestAuditChecksReadWhatIsNewFromTheStore(t *testing.T) {
	k, _, err := evidence.LoadOrCreateKey(filepath.Join(t.TempDir(), "evidence.key"))
	if err != nil {
		t.Fatal(err)
	}
	st := &countingStore{Store: memstore.New()}
	p, err := demoOn(st, processor.WithEvidence(k, nil))
	if err != nil {
		t.Fatal(err)
	}
	ctx := gdpr.ContextWithOrganization(context.Background(), "acme")
	signedRequest := func() int64 {
		t.Helper()
		if _, err := p.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestExport,
			Subject: gdpr.Subject{EmailAddresses: []string{demo.SamRiveraEmail}}}); err != nil {
			t.Fatal(err)
		}
		testkit.Drain(t, p)
		cp, err := p.Checkpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return cp.Size
	}
	var a auditChecks
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for range 4 {
		signedRequest()
	}
	l, err := a.verify(ctx, p, "acme", t0)
	if err != nil || l.Problem != nil || !l.Full || l.Checkpoints != 4 || l.Covered != l.Events {
		t.Fatalf("the first look: %+v, %v; want the whole chain and its 4 checkpoints", l, err)
	}
	all := l.Events

	size := signedRequest()
	st.events, st.checkpoints = 0, 0
	l, err = a.verify(ctx, p, "acme", t0.Add(time.Minute))
	added := size - all
	if err != nil || l.Problem != nil || l.Full || l.Events != added || l.Checkpoints != 1 || l.AllEvents != size || l.AllCheckpoints != 5 {
		t.Fatalf("the next look: %+v, %v; want the %d new events and the new checkpoint, %d and 5 in all", l, err, added, size)
	}
	// The new events and the last one verified before; the new checkpoint
	// and the last one verified before.
	if st.events != int(added)+1 || st.checkpoints != 2 {
		t.Errorf("the next look read %d events and %d checkpoints; want %d and 2 (the chain holds %d events)", st.events, st.checkpoints, added+1, size)
	}
}
