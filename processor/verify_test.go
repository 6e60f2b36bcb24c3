package processor_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store"
)

// editedEvents is a Store whose chain reads back through edit, as if
// someone had changed the rows.
type editedEvents struct {
	store.Store
	edit func([]store.Event) []store.Event
}

func (s *editedEvents) Events(ctx context.Context, org string, after int64, limit int) ([]store.Event, error) {
	all, err := s.Store.Events(ctx, org, 0, 0)
	if err != nil {
		return nil, err
	}
	if s.edit != nil {
		all = s.edit(slices.Clone(all))
	}
	var out []store.Event
	for _, ev := range all {
		if ev.Seq > after && (limit == 0 || len(out) < limit) {
			out = append(out, ev)
		}
	}
	return out, nil
}

func TestVerifyAuditFromChecksEachEventOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	edited := &editedEvents{Store: e.store}
	p, err := processor.New(edited, []adapter.Adapter{e.adapters["crm"], e.adapters["dialer"]}, processor.WithClock(e.clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	e.p = p
	ctx := context.Background()
	sam := gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: gdpr.Subject{Name: "Sam Okafor"}}
	e.settle(t, e.create(t, sam).ID)

	first, n, err := p.VerifyAuditFrom(ctx, nil)
	if err != nil || first == nil || n != first.Seq || n < 3 {
		t.Fatalf("VerifyAuditFrom(nil) = %v, %d, %v; want the whole chain", first, n, err)
	}
	e.settle(t, e.create(t, sam).ID)
	last, m, err := p.VerifyAuditFrom(ctx, first)
	if err != nil || last == nil || m != last.Seq-first.Seq || m == 0 {
		t.Fatalf("VerifyAuditFrom(event %d) = %v, %d, %v; want the events after it", first.Seq, last, m, err)
	}
	if again, k, err := p.VerifyAuditFrom(ctx, last); err != nil || k != 0 || again.Seq != last.Seq {
		t.Fatalf("VerifyAuditFrom with nothing new = %v, %d, %v; want the same event, none checked", again, k, err)
	}

	// reseal alters the detail of event seq and seals the chain again from
	// there on, as someone rewriting the table with the hash function in
	// hand would: the chain verifies from its start.
	reseal := func(seq int64) func([]store.Event) []store.Event {
		return func(es []store.Event) []store.Event {
			for i := range es {
				if es[i].Seq < seq {
					continue
				}
				if es[i].Seq == seq {
					es[i].Detail = "nothing happened"
				}
				var prev *store.Event
				if i > 0 {
					prev = &es[i-1]
				}
				es[i] = store.SealEvent(es[i], prev)
			}
			return es
		}
	}
	for _, c := range []struct {
		name string
		edit func([]store.Event) []store.Event
		seq  int64 // where VerifyAuditFrom(first) fails
	}{
		{"the checked event altered", func(es []store.Event) []store.Event { es[first.Seq-1].Detail = "edited"; return es }, first.Seq},
		{"the checked event gone", func(es []store.Event) []store.Event { return es[:first.Seq-1] }, first.Seq},
		{"an event after it altered", func(es []store.Event) []store.Event { es[first.Seq].Detail = "edited"; return es }, first.Seq + 1},
		{"the chain rewritten from before it", reseal(2), first.Seq},
	} {
		edited.edit = c.edit
		_, _, err := p.VerifyAuditFrom(ctx, first)
		var ce *store.ChainError
		if !errors.As(err, &ce) || ce.Seq != c.seq {
			t.Errorf("%s: VerifyAuditFrom(event %d) = %v, want a ChainError at %d", c.name, first.Seq, err, c.seq)
		}
	}
	// What only a check of the whole chain finds, and what it cannot:
	// a rewritten chain verifies from its start, an event before the one
	// kept that changed alone does not.
	edited.edit = reseal(2)
	if _, err := p.VerifyAudit(ctx); err != nil {
		t.Errorf("a chain sealed again verifies from its start: %v", err)
	}
	edited.edit = func(es []store.Event) []store.Event { es[1].Detail = "edited"; return es }
	if _, err := p.VerifyAudit(ctx); err == nil {
		t.Error("VerifyAudit passed a chain with an altered event")
	}
}
