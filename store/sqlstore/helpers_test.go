package sqlstore_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/store"
)

// adapterNames are the adapters every test processor has.
var adapterNames = []string{"directory", "crm", "dialer"}

// newAdapters returns the three adapters, each holding people 0 to n-1,
// each wrapped by wrap when it is not nil.
func newAdapters(t testing.TB, n int, wrap func(adapter.Adapter) adapter.Adapter) []adapter.Adapter {
	t.Helper()
	var as []adapter.Adapter
	for _, name := range adapterNames {
		var pa adapter.Adapter = testkit.Memory(t, name, demo.Generated("p", 0, n))
		if wrap != nil {
			pa = wrap(pa)
		}
		as = append(as, pa)
	}
	return as
}

// counter counts the Erase, Rectify and Export calls of adapters per
// request and adapter. Export calls that verify an erasure are counted
// apart, by their operation id.
type counter struct {
	mu    sync.Mutex
	calls map[string]int // "request/adapter/op" → calls
	delay time.Duration  // each counted call first waits this long
}

func (c *counter) wrap(a adapter.Adapter) adapter.Adapter { return &counted{a, c} }

func (c *counter) add(ctx context.Context, op adapter.Op, adapter, what string) error {
	c.mu.Lock()
	if c.calls == nil {
		c.calls = map[string]int{}
	}
	c.calls[op.RequestID+"/"+adapter+"/"+what]++
	c.mu.Unlock()
	if c.delay > 0 {
		t := time.NewTimer(c.delay)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}

func (c *counter) get(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[key]
}

type counted struct {
	adapter.Adapter
	c *counter
}

func (a *counted) Erase(ctx context.Context, op adapter.Op, terms []gdpr.Term, keep adapter.KeepFunc) (gdpr.Outcome, error) {
	if err := a.c.add(ctx, op, a.Name(), "erase"); err != nil {
		return gdpr.Outcome{}, err
	}
	return a.Adapter.Erase(ctx, op, terms, keep)
}

func (a *counted) Rectify(ctx context.Context, op adapter.Op, terms []gdpr.Term, changes []adapter.Change) (gdpr.Outcome, error) {
	if err := a.c.add(ctx, op, a.Name(), "rectify"); err != nil {
		return gdpr.Outcome{}, err
	}
	return a.Adapter.Rectify(ctx, op, terms, changes)
}

func (a *counted) Export(ctx context.Context, op adapter.Op, terms []gdpr.Term, emit func(adapter.Record) error) error {
	what := "export"
	if len(op.ID) > len("/verify") && op.ID[len(op.ID)-len("/verify"):] == "/verify" {
		what = "verify"
	}
	if err := a.c.add(ctx, op, a.Name(), what); err != nil {
		return err
	}
	return a.Adapter.Export(ctx, op, terms, emit)
}

// spec returns the spec of request i of a mixed run: exports, updates
// and deletes in turn, each for person i.
func spec(i int) gdpr.RequestSpec {
	s := gdpr.RequestSpec{Subject: gdpr.Subject{EmailAddresses: []string{demo.GeneratedEmail(i)}}}
	switch i % 3 {
	case 0:
		s.Type = gdpr.RequestExport
	case 1:
		s.Type = gdpr.RequestUpdate
		s.ReplacementTerms = []gdpr.ReplacementTerm{{Type: gdpr.KindEmail, ExistingValue: demo.GeneratedEmail(i), UpdatedValue: fmt.Sprintf("person.%d@example.org", i)}}
	default:
		s.Type = gdpr.RequestDelete
		s.DeleteConfirmed = true
	}
	return s
}

// waitFinal polls st until n requests are final, or fails t after
// timeout.
func waitFinal(t testing.TB, st store.Store, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		_, done, err := st.List(context.Background(), "", store.Filter{Statuses: []gdpr.Status{gdpr.StatusCompleted, gdpr.StatusError}, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if done >= n {
			return
		}
		if time.Now().After(deadline) {
			open, _, _ := st.List(context.Background(), "", store.Filter{Open: true, Limit: 5})
			for _, j := range open {
				t.Logf("open: %s %s next run %v, lease %q until %v, steps %+v",
					j.Request.RequestType, j.Request.Status, j.NextRun, j.LeaseToken, j.LeaseUntil, j.Request.Steps)
			}
			buf := make([]byte, 1<<20)
			t.Logf("goroutines:\n%s", buf[:runtime.Stack(buf, true)])
			t.Fatalf("after %v, %d of %d requests are final", timeout, done, n)
		}
		time.Sleep(10 * time.Millisecond) // List counts in the database: poll gently
	}
}

// newTestJob returns a small job of org-a that is due at once.
func newTestJob(id string) *store.Job {
	now := time.Date(2026, time.March, 14, 9, 0, 0, 0, time.UTC)
	return &store.Job{
		Org: "org-a",
		Request: gdpr.Request{
			ID: id, RequestType: gdpr.RequestExport, Status: gdpr.StatusInitiated,
			CreatedDate: gdpr.NewTime(now), Subject: gdpr.Subject{EmailAddresses: []string{"ada@example.com"}},
		},
		NextRun: now,
	}
}

func createdEvent(j *store.Job) store.Event {
	return store.Event{RequestID: j.Request.ID, Time: j.Request.CreatedDate.Time, Type: "created", Status: j.Request.Status}
}
