package processor_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store"
)

var minimizeKey = bytes.Repeat([]byte("k"), 32)

const minimizeWindow = 30 * 24 * time.Hour

// storedJSON is everything the store keeps of a request, as JSON.
func storedJSON(t *testing.T, e *env, id string) string {
	t.Helper()
	job, err := e.store.Get(context.Background(), "", id)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(job)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMinimizationReplacesPersonalDataByKeyedHashes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, processor.WithMinimization(minimizeWindow, minimizeKey))
	ctx := context.Background()

	export := gdpr.RequestSpec{
		Type:           gdpr.RequestExport,
		Subject:        gdpr.Subject{PhoneNumbers: []string{"+1 (311) 555-2368"}},
		IdempotencyKey: "export-1",
	}
	exp := e.create(t, export)
	upd := e.create(t, gdpr.RequestSpec{
		Type:    gdpr.RequestUpdate,
		Subject: gdpr.Subject{EmailAddresses: []string{"noor@BÜCHER.example"}},
		ReplacementTerms: []gdpr.ReplacementTerm{{
			Type: gdpr.KindEmail, ExistingValue: "noor@bücher.example", UpdatedValue: "noor.haddad@example.org",
		}},
	})
	del := e.create(t, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
		Subject: gdpr.Subject{EmailAddresses: []string{"a.morgan@example.net"}}})
	for _, r := range []*gdpr.Request{exp, upd, del} {
		if got := e.settle(t, r.ID); got.Status != gdpr.StatusCompleted {
			t.Fatalf("request %s ended %s", r.ID, got.Status)
		}
	}
	archive := func() string {
		job, err := e.store.Get(ctx, "", exp.ID)
		if err != nil {
			t.Fatal(err)
		}
		return job.Results
	}()
	personal := map[string][]string{
		exp.ID: {"3115552368", "311"},
		upd.ID: {"noor", "haddad", "bücher", "xn--bcher"},
		del.ID: {"morgan", "example.net"},
	}
	for id, values := range personal {
		s := strings.ToLower(storedJSON(t, e, id))
		for _, v := range values[:1] {
			if !strings.Contains(s, v) {
				t.Fatalf("before minimization request %s does not hold %q; the test checks nothing", id, v)
			}
		}
	}

	// Within the window nothing changes.
	e.clock.Advance(minimizeWindow - time.Hour)
	if n, err := e.p.Minimize(ctx); err != nil || n != 0 {
		t.Fatalf("Minimize within the window = %d, %v; want 0", n, err)
	}

	e.clock.Advance(2 * time.Hour)
	n, err := e.p.Minimize(ctx)
	if err != nil || n != 3 {
		t.Fatalf("Minimize after the window = %d, %v; want 3", n, err)
	}
	for id, values := range personal {
		s := strings.ToLower(storedJSON(t, e, id))
		for _, v := range values {
			if strings.Contains(s, v) {
				t.Errorf("minimized request %s still holds %q: %s", id, v, s)
			}
		}
		if !strings.Contains(s, processor.HashPrefix) {
			t.Errorf("minimized request %s holds no keyed hash: %s", id, s)
		}
	}

	// What the API shows keeps its shape and counts, with hashes for values.
	got, err := e.p.GetRequest(ctx, del.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != gdpr.StatusCompleted || got.Verification == nil || !got.Verification.Passed || len(got.Steps) != 3 {
		t.Errorf("minimized delete = %s, verification %+v, %d steps; want them kept", got.Status, got.Verification, len(got.Steps))
	}
	if len(got.Subject.EmailAddresses) != 1 || !strings.HasPrefix(got.Subject.EmailAddresses[0], processor.HashPrefix) {
		t.Errorf("minimized subject emails = %q, want one keyed hash", got.Subject.EmailAddresses)
	}

	// The export's archive is gone, and says why.
	if _, err := e.store.OpenBlob(ctx, archive); !errorsIs(err, gdpr.ErrNotFound) {
		t.Errorf("export archive after minimization: %v, want ErrNotFound", err)
	}
	_, err = e.p.OpenResults(ctx, exp.ID)
	wantAPIError(t, err, 404, gdpr.CodeNotFound, "")
	if err != nil && !strings.Contains(err.Error(), "minimized") {
		t.Errorf("OpenResults error %q does not say the archive went with minimization", err)
	}

	// A repeat of the creation still finds its request; another spec under
	// the key is still a conflict.
	again, err := e.p.CreateRequest(ctx, export)
	if err != nil || again.ID != exp.ID {
		t.Errorf("repeat of a minimized request's creation = %v, %v; want request %s", again, err, exp.ID)
	}
	other := export
	other.Subject = gdpr.Subject{EmailAddresses: []string{"a.morgan@example.net"}}
	_, err = e.p.CreateRequest(ctx, other)
	wantAPIError(t, err, 409, gdpr.CodeRequestConflict, "Idempotency-Key")

	// The audit still verifies, tells of the minimization, and holds no
	// personal data.
	if _, err := processor.VerifyStore(ctx, e.store, ""); err != nil {
		t.Fatalf("audit after minimization: %v", err)
	}
	trail, err := e.p.Audit(ctx, del.ID)
	if err != nil {
		t.Fatal(err)
	}
	if last := trail[len(trail)-1]; last.Type != "minimized" {
		t.Errorf("last audit event of a minimized request is %q, want minimized", last.Type)
	}

	if n, err := e.p.Minimize(ctx); err != nil || n != 0 {
		t.Errorf("second Minimize = %d, %v; want 0", n, err)
	}
}

func TestMinimizedHashesAreStableUnderOneKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, processor.WithMinimization(time.Hour, minimizeKey))
	ctx := context.Background()
	spec := gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: gdpr.Subject{EmailAddresses: []string{"a.morgan@example.net"}}}
	typed := spec
	typed.Subject = gdpr.Subject{EmailAddresses: []string{"A.Morgan@Example.NET"}}
	a, b := e.create(t, spec), e.create(t, typed) // one email, typed two ways
	e.settle(t, a.ID)
	e.settle(t, b.ID)
	e.clock.Advance(2 * time.Hour)
	if n, err := e.p.Minimize(ctx); err != nil || n != 2 {
		t.Fatalf("Minimize = %d, %v; want 2", n, err)
	}
	ra, _ := e.p.GetRequest(ctx, a.ID)
	rb, _ := e.p.GetRequest(ctx, b.ID)
	if ra.Subject.EmailAddresses[0] != rb.Subject.EmailAddresses[0] {
		t.Errorf("one email hashed to %q and %q under one key", ra.Subject.EmailAddresses[0], rb.Subject.EmailAddresses[0])
	}

	// Another key gives other hashes.
	f := newEnv(t, nil, processor.WithMinimization(time.Hour, bytes.Repeat([]byte("x"), 32)))
	c := f.create(t, spec)
	f.settle(t, c.ID)
	f.clock.Advance(2 * time.Hour)
	if _, err := f.p.Minimize(ctx); err != nil {
		t.Fatal(err)
	}
	rc, _ := f.p.GetRequest(ctx, c.ID)
	if rc.Subject.EmailAddresses[0] == ra.Subject.EmailAddresses[0] {
		t.Error("two keys gave the same hash")
	}
}

func TestMinimizedErrorCannotBeRetried(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(a adapter.Adapter) adapter.Adapter {
		if a.Name() != "crm" {
			return a
		}
		return &flaky{Adapter: a, fail: func(op string, _ int) bool { return op == "erase" }}
	}, processor.WithMinimization(time.Hour, minimizeKey))
	ctx := context.Background()
	r := e.create(t, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
		Subject: gdpr.Subject{PhoneNumbers: []string{"+13115552368"}}})
	if got := e.settle(t, r.ID); got.Status != gdpr.StatusError {
		t.Fatalf("ended %s, want ERROR", got.Status)
	}
	e.clock.Advance(2 * time.Hour)
	if n, err := e.p.Minimize(ctx); err != nil || n != 1 {
		t.Fatalf("Minimize = %d, %v; want 1", n, err)
	}
	_, err := e.p.Retry(ctx, r.ID)
	wantAPIError(t, err, 409, gdpr.CodeRequestConflict, "")
	if err != nil && !strings.Contains(err.Error(), "create a new request") {
		t.Errorf("Retry error %q does not say what to do", err)
	}
}

func TestMinimizationOptions(t *testing.T) {
	t.Parallel()
	a := loadAdapter(t, "directory")
	cases := []struct {
		name  string
		store store.Store
		opt   processor.Option
		want  string
	}{
		{"short key", nil, processor.WithMinimization(time.Hour, []byte("short")), "at least 32 bytes"},
		{"no window", nil, processor.WithMinimization(0, minimizeKey), "must be positive"},
		{"store cannot list", onlyStore{newEnv(t, nil).store}, processor.WithMinimization(time.Hour, minimizeKey), "FinishedLister"},
	}
	for _, c := range cases {
		s := c.store
		if s == nil {
			s = newEnv(t, nil).store
		}
		_, err := processor.New(s, []adapter.Adapter{a}, c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: New error %v, want one saying %q", c.name, err, c.want)
		}
	}
}

// onlyStore hides every method but those of store.Store.
type onlyStore struct{ store.Store }

// TestMinimizationOfAFailedExportLeavesNothing: an export that ended in
// ERROR keeps the parts of its done steps in the store for a retry, and
// its steps' errors may quote what they were asked; minimization removes
// both, with the request's name and idempotency key.
func TestMinimizationOfAFailedExportLeavesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(a adapter.Adapter) adapter.Adapter {
		if a.Name() != "dialer" {
			return a
		}
		return &flaky{Adapter: a, fail: func(op string, _ int) bool { return op == "export" }}
	}, processor.WithMinimization(time.Hour, minimizeKey))
	ctx := context.Background()
	r := e.create(t, gdpr.RequestSpec{Type: gdpr.RequestExport, Name: "Export for Noor Haddad",
		IdempotencyKey: "noor@bücher.example", Subject: gdpr.Subject{PhoneNumbers: []string{"+1 (311) 555-2368"}}})
	if got := e.settle(t, r.ID); got.Status != gdpr.StatusError {
		t.Fatalf("export ended %s, want ERROR", got.Status)
	}
	// The store's key for a part of this request (organization "" is "_").
	part := func(adapter string) string { return "exports/_/" + r.ID + "/" + adapter + ".json" }
	rc, err := e.store.OpenBlob(ctx, part("crm"))
	if err != nil {
		t.Fatalf("the crm part is not stored for the retry (%v); the test checks nothing", err)
	}
	rc.Close()

	e.clock.Advance(2 * time.Hour)
	if n, err := e.p.Minimize(ctx); err != nil || n != 1 {
		t.Fatalf("Minimize = %d, %v; want 1", n, err)
	}
	for _, a := range []string{"directory", "crm", "dialer"} {
		if _, err := e.store.OpenBlob(ctx, part(a)); !errorsIs(err, gdpr.ErrNotFound) {
			t.Errorf("the %s part after minimization: %v, want ErrNotFound", a, err)
		}
	}
	s := strings.ToLower(storedJSON(t, e, r.ID))
	for _, v := range []string{"noor", "bücher", "connection reset", "3115552368"} {
		if strings.Contains(s, v) {
			t.Errorf("the minimized request still holds %q: %s", v, s)
		}
	}
}
