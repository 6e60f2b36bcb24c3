package httpadapter_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/httpadapter"
	"github.com/gdprkit/gdpr/internal/testclock"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store/memstore"
)

// changesThenFails changes the data on its first Rectify or Erase, then
// fails, returning with its error the Outcome of what it changed, as an
// adapter whose audit write fails after its commit would. Later calls
// pass through.
type changesThenFails struct {
	adapter.Adapter
	mu    sync.Mutex
	calls int
}

func (c *changesThenFails) first() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	return c.calls == 1
}

func (c *changesThenFails) Erase(ctx context.Context, op adapter.Op, terms []gdpr.Term, keep adapter.KeepFunc) (gdpr.Outcome, error) {
	out, err := c.Adapter.Erase(ctx, op, terms, keep)
	if err == nil && c.first() {
		return out, errors.New("audit log unavailable after the commit")
	}
	return out, err
}

func (c *changesThenFails) Rectify(ctx context.Context, op adapter.Op, terms []gdpr.Term, changes []adapter.Change) (gdpr.Outcome, error) {
	out, err := c.Adapter.Rectify(ctx, op, terms, changes)
	if err == nil && c.first() {
		return out, errors.New("audit log unavailable after the commit")
	}
	return out, err
}

func (c *changesThenFails) Calls() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls
}

// TestPartialOutcome: when the service's adapter fails after changing
// records, the error answer carries the Outcome of what it changed, and
// the Adapter returns it with its error at once, without trying the call
// again, so that the processor keeps the counts.
func TestPartialOutcome(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	newEmail := "robin@new.example"
	for _, c := range []struct {
		name string
		run  func(a *httpadapter.Adapter) (gdpr.Outcome, error)
		want gdpr.Outcome
	}{
		{"rectify", func(a *httpadapter.Adapter) (gdpr.Outcome, error) {
			return a.Rectify(ctx, adapter.Op{RequestID: "req-1", ID: "req-1/rectify"}, []gdpr.Term{robinEmail},
				[]adapter.Change{{Kind: gdpr.KindEmail, Existing: robinEmail.Value, Updated: newEmail}})
		}, gdpr.Outcome{Updated: 1}},
		{"erase", func(a *httpadapter.Adapter) (gdpr.Outcome, error) {
			return a.Erase(ctx, adapter.Op{RequestID: "req-1", ID: "req-1/erase"}, []gdpr.Term{robinEmail}, nil)
		}, gdpr.Outcome{Deleted: 2}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			local := &changesThenFails{Adapter: memory(t, "crm", people())}
			a, err := httpadapter.New("crm", serve(t, local), testSecret, httpadapter.WithRetry(gdpr.RetryPolicy{Attempts: 4, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
			if err != nil {
				t.Fatal(err)
			}
			out, err := c.run(a)
			if !errors.Is(err, gdpr.ErrServer) || !strings.Contains(err.Error(), "audit log unavailable") {
				t.Fatalf("%s failing after its changes: %v, want an error matching gdpr.ErrServer with the service's message", c.name, err)
			}
			if out.Updated != c.want.Updated || out.Deleted != c.want.Deleted || out.Anonymized != c.want.Anonymized {
				t.Errorf("%s returned %+v with its error, want %+v", c.name, out, c.want)
			}
			if !strings.Contains(err.Error(), "after changing") {
				t.Errorf("error %q does not say records were changed", err)
			}
			if n := local.Calls(); n != 1 {
				t.Errorf("the service's adapter ran %d times, want once: a failure that changed data is not retried under the same operation id", n)
			}
			wantClean(t, err)
		})
	}
}

// TestPartialOutcomeOnTheWire: the error answer of a failed erase apply
// carries the outcome beside the error, as PROTOCOL.md says.
func TestPartialOutcomeOnTheWire(t *testing.T) {
	t.Parallel()
	base := serve(t, &changesThenFails{Adapter: memory(t, "crm", people())})
	resp, err := http.DefaultClient.Do(signed(t, base, "erase", testSecret, time.Now(), eraseCall))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Error   struct{ Code string }
		Outcome *gdpr.Outcome
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusInternalServerError || body.Error.Code != "internal" || body.Outcome == nil || body.Outcome.Deleted != 2 {
		t.Errorf("answer %d %+v, want 500 internal with an outcome of 2 deleted", resp.StatusCode, body)
	}
}

// TestErrorWithoutOutcome: an error answer without an outcome (a service
// of before, or one that changed nothing) means nothing is known to have
// changed: the Outcome returned is zero.
func TestErrorWithoutOutcome(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, `{"error":{"code":"internal","message":"database unavailable"}}`+"\n")
	}))
	t.Cleanup(srv.Close)
	a, err := httpadapter.New("crm", srv.URL, testSecret, httpadapter.WithRetry(gdpr.RetryPolicy{Attempts: 2, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	out, err := a.Rectify(t.Context(), adapter.Op{RequestID: "req-1", ID: "req-1/rectify"}, []gdpr.Term{robinEmail},
		[]adapter.Change{{Kind: gdpr.KindEmail, Existing: robinEmail.Value, Updated: "robin@new.example"}})
	if err == nil || out.Updated != 0 {
		t.Errorf("Rectify answered 500 without an outcome: %+v, %v; want a zero Outcome and an error", out, err)
	}
	if strings.Contains(err.Error(), "after changing") {
		t.Errorf("error %q claims records were changed", err)
	}
}

// TestPartialOutcomeCounted: an erasure whose remote service fails after
// erasing is retried by the processor, which finds nothing left, and the
// step still counts the records erased.
func TestPartialOutcomeCounted(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	m := memory(t, "crm", people())
	a, err := httpadapter.New("crm", serve(t, &changesThenFails{Adapter: m}), testSecret)
	if err != nil {
		t.Fatal(err)
	}
	clk := testclock.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	p, err := processor.New(memstore.New(), []adapter.Adapter{a},
		processor.WithClock(clk.Now), processor.WithRetry(gdpr.RetryPolicy{Attempts: 5, MinWait: time.Second, MaxWait: 4 * time.Second}))
	if err != nil {
		t.Fatal(err)
	}
	req, err := p.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
		Subject: gdpr.Subject{EmailAddresses: []string{robinEmail.Value}}})
	if err != nil {
		t.Fatal(err)
	}
	r := settle(t, p, clk, req.ID)
	if r.Status != gdpr.StatusCompleted {
		t.Fatalf("request ended %s, want COMPLETED (steps %+v)", r.Status, r.Steps)
	}
	st := r.Steps[0]
	if st.Attempts < 2 || st.Outcome == nil || st.Outcome.Deleted != 2 {
		t.Errorf("step after %d attempts with outcome %+v, want retried and 2 deleted counted", st.Attempts, st.Outcome)
	}
	if m.Len() != 0 {
		t.Errorf("%d people left after the erasure, want 0", m.Len())
	}
}
