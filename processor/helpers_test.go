package processor_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/internal/testclock"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store/memstore"
)

// newClock returns the tests' clock, at 09:00 UTC on 2026-11-29.
func newClock() *testclock.Clock {
	return testclock.New(time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC))
}

// env is a processor over the three test data stores.
type env struct {
	p        *processor.Processor
	store    *memstore.Store
	clock    *testclock.Clock
	adapters map[string]adapter.Adapter
}

// loadAdapter loads testdata/<name>.json into a memadapter.
func loadAdapter(t testing.TB, name string, opts ...memadapter.Option) *memadapter.Adapter {
	t.Helper()
	a, err := memadapter.New(name, opts...)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := a.LoadJSON(f); err != nil {
		t.Fatal(err)
	}
	return a
}

// newEnv returns a processor over directory, crm (anonymizing) and dialer,
// with the current-employee policy, a fake clock and fast retries.
// wrap, when set, may replace an adapter (to inject faults).
func newEnv(t testing.TB, wrap func(adapter.Adapter) adapter.Adapter, opts ...processor.Option) *env {
	t.Helper()
	e := &env{store: memstore.New(), clock: newClock(), adapters: map[string]adapter.Adapter{}}
	var as []adapter.Adapter
	for _, a := range []adapter.Adapter{
		loadAdapter(t, "directory"),
		loadAdapter(t, "crm", memadapter.WithAnonymize()),
		loadAdapter(t, "dialer"),
	} {
		if wrap != nil {
			a = wrap(a)
		}
		e.adapters[a.Name()] = a
		as = append(as, a)
	}
	opts = append([]processor.Option{
		processor.WithPolicy(processor.CurrentEmployees{}),
		processor.WithClock(e.clock.Now),
		processor.WithRetry(gdpr.RetryPolicy{Attempts: 3, MinWait: time.Second, MaxWait: 4 * time.Second}),
	}, opts...)
	p, err := processor.New(e.store, as, opts...)
	if err != nil {
		t.Fatal(err)
	}
	e.p = p
	return e
}

// drain runs every request that is due now, as far as it goes.
func (e *env) drain(t testing.TB) {
	t.Helper()
	for range 10000 {
		found, err := e.p.RunOnce(context.Background())
		if err != nil {
			t.Fatalf("RunOnce: %v", err)
		}
		if !found {
			return
		}
	}
	t.Fatal("drain: requests kept coming")
}

// settle drains, advancing the clock past retry backoffs, until req is
// final.
func (e *env) settle(t testing.TB, id string) *gdpr.Request {
	t.Helper()
	ctx := context.Background()
	for range 50 {
		e.drain(t)
		r, err := e.p.GetRequest(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status.Done() {
			return r
		}
		e.clock.Advance(5 * time.Second)
	}
	t.Fatalf("request %s never finished", id)
	return nil
}

func (e *env) create(t testing.TB, spec gdpr.RequestSpec) *gdpr.Request {
	t.Helper()
	r, err := e.p.CreateRequest(context.Background(), spec)
	if err != nil {
		t.Fatalf("CreateRequest: %v", err)
	}
	return r
}

// wantAPIError asserts that err is an *APIError with the status, code and
// (when not "") field.
func wantAPIError(t *testing.T, err error, status int, code, field string) {
	t.Helper()
	var ae *gdpr.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error = %v (%T), want *gdpr.APIError %d %s", err, err, status, code)
	}
	if ae.Status() != status || ae.Code() != code {
		t.Fatalf("error = %d %s (%q), want %d %s", ae.Status(), ae.Code(), ae.Body.Message, status, code)
	}
	if field != "" && ae.Field() != field {
		t.Fatalf("error field = %q, want %q (%q)", ae.Field(), field, ae.Body.Message)
	}
	if ae.Body.Message == "" {
		t.Fatal("error has no message")
	}
}

func ids(ss []gdpr.Subject) []string {
	var out []string
	for _, s := range ss {
		switch {
		case s.UserID != "":
			out = append(out, s.UserID)
		case s.ExternalContactID != "":
			out = append(out, s.ExternalContactID)
		case s.DialerContactID != nil:
			out = append(out, s.DialerContactID.ID)
		}
	}
	return out
}

// flaky wraps an adapter so that its operations fail while fail says so.
type flaky struct {
	adapter.Adapter
	mu    sync.Mutex
	calls map[string]int
	fail  func(op string, call int) bool
}

func (f *flaky) failing(op string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[op]++
	if f.fail(op, f.calls[op]) {
		return errors.New("connection reset by peer")
	}
	return nil
}

func (f *flaky) Search(ctx context.Context, term gdpr.Term) ([]gdpr.Subject, error) {
	if err := f.failing("search"); err != nil {
		return nil, err
	}
	return f.Adapter.Search(ctx, term)
}

func (f *flaky) Erase(ctx context.Context, op adapter.Op, terms []gdpr.Term, keep adapter.KeepFunc) (gdpr.Outcome, error) {
	if err := f.failing("erase"); err != nil {
		return gdpr.Outcome{}, err
	}
	return f.Adapter.Erase(ctx, op, terms, keep)
}

func (f *flaky) Export(ctx context.Context, op adapter.Op, terms []gdpr.Term, emit func(adapter.Record) error) error {
	if err := f.failing("export"); err != nil {
		return err
	}
	return f.Adapter.Export(ctx, op, terms, emit)
}

// liar claims to erase but keeps everything.
type liar struct{ adapter.Adapter }

func (l liar) Erase(context.Context, adapter.Op, []gdpr.Term, adapter.KeepFunc) (gdpr.Outcome, error) {
	return gdpr.Outcome{Deleted: 1}, nil
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }

// openArchive reads the archive of a completed export: its files by name,
// and their names in the archive's order.
func openArchive(t *testing.T, e *env, id string) (map[string][]byte, []string) {
	t.Helper()
	rc, err := e.p.OpenResults(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	var names []string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		files[f.Name] = b
		names = append(names, f.Name)
	}
	return files, names
}
