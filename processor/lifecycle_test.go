package processor_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/memstore"
)

func TestExportPackagesEveryAdapter(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	r := e.create(t, gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: gdpr.Subject{PhoneNumbers: []string{"+1 (311) 555-2368"}}})
	if r.DueDate.Sub(r.CreatedDate.Time) != processor.DefaultExportSLA {
		t.Fatalf("due %v after creation, want %v", r.DueDate.Sub(r.CreatedDate.Time), processor.DefaultExportSLA)
	}
	got := e.settle(t, r.ID)
	if got.Status != gdpr.StatusCompleted || got.ResultsURL == "" {
		t.Fatalf("export ended %s with resultsUrl %q", got.Status, got.ResultsURL)
	}
	files, _ := openArchive(t, e, r.ID)
	var m processor.Manifest
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatalf("manifest: %v", err)
	}
	if m.RequestID != r.ID || len(m.Adapters) != 3 {
		t.Fatalf("manifest = %+v", m)
	}
	// The contact (with chat, order) in crm and the dialer contact (with
	// a recording) share the phone; the directory holds nothing.
	want := map[string]int{"directory": 0, "crm": 3, "dialer": 2}
	total := 0
	for _, a := range m.Adapters {
		var recs []adapter.Record
		if err := json.Unmarshal(files[a.File], &recs); err != nil {
			t.Fatalf("%s: %v", a.File, err)
		}
		if len(recs) != want[a.Name] || a.Records != want[a.Name] {
			t.Fatalf("%s holds %d records (manifest %d), want %d", a.Name, len(recs), a.Records, want[a.Name])
		}
		total += len(recs)
	}
	if m.Records != total {
		t.Fatalf("manifest total %d, files hold %d", m.Records, total)
	}
	// An export changes nothing.
	if s, _ := e.p.SearchSubjects(ctx, gdpr.KindPhone, "+13115552368"); len(s) != 2 {
		t.Fatalf("after export, phone finds %d subjects, want 2", len(s))
	}
}

func TestUpdateReplacesTheValue(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	r := e.create(t, gdpr.RequestSpec{
		Type:    gdpr.RequestUpdate,
		Subject: gdpr.Subject{EmailAddresses: []string{"noor@BÜCHER.example"}},
		ReplacementTerms: []gdpr.ReplacementTerm{{
			Type: gdpr.KindEmail, ExistingValue: "noor@bücher.example", UpdatedValue: "noor.haddad@example.org",
		}},
	})
	got := e.settle(t, r.ID)
	if got.Status != gdpr.StatusCompleted {
		t.Fatalf("update ended %s: %+v", got.Status, got.Steps)
	}
	if s := step(t, got, "crm"); s.Outcome == nil || s.Outcome.Updated != 1 {
		t.Fatalf("crm step = %+v, want 1 updated", s)
	}
	if s, _ := e.p.SearchSubjects(ctx, gdpr.KindEmail, "noor@xn--bcher-kva.example"); len(s) != 0 {
		t.Fatalf("old email still finds %v", ids(s))
	}
	if s, _ := e.p.SearchSubjects(ctx, gdpr.KindEmail, "Noor.Haddad@example.org"); len(s) != 1 {
		t.Fatalf("new email finds %v, want Noor", ids(s))
	}
}

func TestStatusesFollowTheWire(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	cases := []struct {
		spec gdpr.RequestSpec
		want []gdpr.Status
	}{
		{gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: gdpr.Subject{Name: "Lee Chen"}},
			[]gdpr.Status{"INITIATED", "SEARCHING", "FINALIZING", "COMPLETED"}},
		{gdpr.RequestSpec{Type: gdpr.RequestUpdate, Subject: gdpr.Subject{Name: "Lee Chen"},
			ReplacementTerms: []gdpr.ReplacementTerm{{Type: gdpr.KindName, ExistingValue: "lee chen", UpdatedValue: "Lee Chan"}}},
			[]gdpr.Status{"INITIATED", "SEARCHING", "UPDATING", "FINALIZING", "COMPLETED"}},
		{gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true, Subject: gdpr.Subject{Name: "Sam Okafor"}},
			[]gdpr.Status{"INITIATED", "SEARCHING", "DELETING", "FINALIZING", "COMPLETED"}},
	}
	for _, c := range cases {
		r := e.create(t, c.spec)
		e.settle(t, r.ID)
		evs, err := e.p.Audit(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		var seen []gdpr.Status
		for _, ev := range evs {
			if len(seen) == 0 || seen[len(seen)-1] != ev.Status {
				seen = append(seen, ev.Status)
			}
		}
		if !slices.Equal(seen, c.want) {
			t.Errorf("%s went %v, want %v", c.spec.Type, seen, c.want)
		}
	}
}

func TestFailedStepIsRetriedAlone(t *testing.T) {
	t.Parallel()
	var dialer *flaky
	e := newEnv(t, func(a adapter.Adapter) adapter.Adapter {
		if a.Name() != "dialer" {
			return a
		}
		dialer = &flaky{Adapter: a, fail: func(op string, n int) bool { return op == "erase" && n <= 2 }}
		return dialer
	})
	r := e.create(t, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true, Subject: gdpr.Subject{PhoneNumbers: []string{"+13115552368"}}})
	got := e.settle(t, r.ID)
	if got.Status != gdpr.StatusCompleted {
		t.Fatalf("ended %s: %+v", got.Status, got.Steps)
	}
	for _, s := range got.Steps {
		want := 1
		if s.Adapter == "dialer" {
			want = 3
		}
		if s.Attempts != want || s.State != gdpr.StepDone || s.Error != "" {
			t.Errorf("step %s: %d attempts, state %s, error %q; want %d, DONE, none", s.Adapter, s.Attempts, s.State, s.Error, want)
		}
	}
}

func TestSpentRetriesEndInErrorAndRetryResumes(t *testing.T) {
	t.Parallel()
	broken := true
	var crm *flaky
	e := newEnv(t, func(a adapter.Adapter) adapter.Adapter {
		if a.Name() != "crm" {
			return a
		}
		crm = &flaky{Adapter: a, fail: func(op string, _ int) bool { return op == "erase" && broken }}
		return crm
	})
	ctx := context.Background()
	r := e.create(t, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true, Subject: gdpr.Subject{PhoneNumbers: []string{"+13115552368"}}})
	got := e.settle(t, r.ID)
	if got.Status != gdpr.StatusError {
		t.Fatalf("ended %s, want ERROR", got.Status)
	}
	s := step(t, got, "crm")
	if s.State != gdpr.StepFailed || s.Attempts != 3 || !strings.Contains(s.Error, "connection reset") {
		t.Fatalf("crm step = %+v, want FAILED after 3 attempts with the cause", s)
	}
	if d := step(t, got, "dialer"); d.State != gdpr.StepDone || d.Attempts != 1 {
		t.Fatalf("dialer step = %+v, want DONE once", d)
	}
	crm.mu.Lock()
	broken = false
	crm.mu.Unlock()
	if _, err := e.p.Retry(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	got = e.settle(t, r.ID)
	if got.Status != gdpr.StatusCompleted {
		t.Fatalf("after retry ended %s: %+v", got.Status, got.Steps)
	}
	if d := step(t, got, "dialer"); d.Attempts != 1 {
		t.Fatalf("dialer ran again on retry: %d attempts", d.Attempts)
	}
	if c := step(t, got, "crm"); c.State != gdpr.StepDone || c.Outcome.Anonymized == 0 {
		t.Fatalf("crm after retry = %+v", c)
	}
}

func TestErasureVerificationCatchesDataLeftBehind(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(a adapter.Adapter) adapter.Adapter {
		if a.Name() == "dialer" {
			return liar{a}
		}
		return a
	})
	r := e.create(t, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true, Subject: gdpr.Subject{Name: "Sam Okafor"}})
	got := e.settle(t, r.ID)
	if got.Status != gdpr.StatusError {
		t.Fatalf("ended %s, want ERROR: the dialer kept the data", got.Status)
	}
	v := got.Verification
	if v == nil || v.Passed || len(v.Remaining) != 1 || v.Remaining[0].Adapter != "dialer" || v.Remaining[0].Records != 1 {
		t.Fatalf("verification = %+v, want dialer with 1 record left", v)
	}
	if s := step(t, got, "dialer"); s.State != gdpr.StepFailed || !strings.Contains(s.Error, "verification") {
		t.Fatalf("dialer step = %+v", s)
	}
}

func TestDeadWorkersLeaseIsClaimedAgain(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, processor.WithLease(time.Minute))
	ctx := context.Background()
	r := e.create(t, gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: gdpr.Subject{Name: "Lee Chen"}})
	// A worker claims the request and dies without a word.
	if _, err := e.store.Claim(ctx, "dead-worker", e.clock.Now(), e.clock.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if found, err := e.p.RunOnce(ctx); err != nil || found {
		t.Fatalf("claimed a leased request: found=%v err=%v", found, err)
	}
	e.clock.Advance(61 * time.Second)
	if got := e.settle(t, r.ID); got.Status != gdpr.StatusCompleted {
		t.Fatalf("after the lease, ended %s", got.Status)
	}
}

func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	spec := gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
		Subject: gdpr.Subject{ExternalContactID: "c0ffee00-0000-4000-8000-000000000003"}, IdempotencyKey: "dsr-17/noor/1"}
	first := e.create(t, spec)
	again := e.create(t, spec)
	if again.ID != first.ID {
		t.Fatalf("same key and body made a second request %s", again.ID)
	}
	other := spec
	other.Subject = gdpr.Subject{ExternalContactID: "c0ffee00-0000-4000-8000-000000000001"}
	_, err := e.p.CreateRequest(ctx, other)
	wantAPIError(t, err, 409, gdpr.CodeRequestConflict, "Idempotency-Key")
	if !errors.Is(err, gdpr.ErrConflict) {
		t.Fatal("409 does not match gdpr.ErrConflict")
	}
	// After the erasure the id resolves to nothing, yet a repeat still
	// answers with the first request.
	e.settle(t, first.ID)
	if again := e.create(t, spec); again.ID != first.ID {
		t.Fatalf("repeat after completion made %s", again.ID)
	}
	// The same key in another organization is another request.
	if r, err := e.p.CreateRequest(gdpr.ContextWithOrganization(ctx, "acme"), spec); err != nil || r.ID == first.ID {
		t.Fatalf("other organization: %v, %v", r, err)
	}
}

func TestDeleteOfAnIDAlreadyErased(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	spec := gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
		Subject: gdpr.Subject{DialerContactID: &gdpr.DialerContactID{ID: "dc-2", ContactListID: "list-autumn"}}}
	if got := e.settle(t, e.create(t, spec).ID); got.Status != gdpr.StatusCompleted {
		t.Fatalf("first erasure ended %s", got.Status)
	}
	got := e.settle(t, e.create(t, spec).ID)
	if got.Status != gdpr.StatusCompleted {
		t.Fatalf("second erasure ended %s", got.Status)
	}
	for _, s := range got.Steps {
		if s.Records != 0 {
			t.Fatalf("second erasure found records: %+v", s)
		}
	}
	// An export of an unknown id is a mistake, not an empty answer.
	_, err := e.p.CreateRequest(context.Background(), gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: spec.Subject})
	wantAPIError(t, err, 400, gdpr.CodeInvalidValue, "subject.dialerContactId")
}

func TestOrganizationsAreIsolated(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	a := gdpr.ContextWithOrganization(context.Background(), "org-a")
	b := gdpr.ContextWithOrganization(context.Background(), "org-b")
	r, err := e.p.CreateRequest(a, gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: gdpr.Subject{Name: "Lee Chen"}})
	if err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	_, err = e.p.GetRequest(b, r.ID)
	wantAPIError(t, err, 404, gdpr.CodeNotFound, "")
	_, err = e.p.OpenResults(b, r.ID)
	wantAPIError(t, err, 404, gdpr.CodeNotFound, "")
	page, err := e.p.ListRequests(b, gdpr.ListOptions{})
	if err != nil || page.Total != 0 || len(page.Entities) != 0 {
		t.Fatalf("org-b sees %+v, %v", page, err)
	}
	if _, err := e.p.GetRequest(a, r.ID); err != nil {
		t.Fatal(err)
	}
}

func TestOverdueRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, processor.WithSLA(gdpr.RequestExport, time.Hour))
	ctx := context.Background()
	late := e.create(t, gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: gdpr.Subject{Name: "Lee Chen"}})
	e.clock.Advance(time.Second) // the export is claimed first
	done := e.create(t, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true, Subject: gdpr.Subject{Name: "Sam Okafor"}})
	// Finish the delete only: claim the export away first.
	if _, err := e.store.Claim(ctx, "busy", e.clock.Now(), e.clock.Now().Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	if r, _ := e.p.GetRequest(ctx, done.ID); r.Status != gdpr.StatusCompleted {
		t.Fatalf("delete is %s", r.Status)
	}
	page, err := e.p.Overdue(ctx, gdpr.ListOptions{})
	if err != nil || page.Total != 0 {
		t.Fatalf("overdue before the deadline: %+v %v", page, err)
	}
	e.clock.Advance(2 * time.Hour)
	page, err = e.p.Overdue(ctx, gdpr.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 1 || page.Entities[0].ID != late.ID {
		t.Fatalf("overdue = %+v, want only the export", page.Entities)
	}
}

func TestListPagesNewestFirst(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	var made []string
	for range 7 {
		made = append(made, e.create(t, gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: gdpr.Subject{Name: "Lee Chen"}}).ID)
		e.clock.Advance(time.Second)
	}
	slices.Reverse(made)
	var seen []string
	for n := 1; n <= 3; n++ {
		page, err := e.p.ListRequests(ctx, gdpr.ListOptions{PageSize: 3, PageNumber: n})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 7 || page.PageCount != 3 || page.PageNumber != n || page.PageSize != 3 {
			t.Fatalf("page %d = total %d count %d number %d size %d", n, page.Total, page.PageCount, page.PageNumber, page.PageSize)
		}
		for _, r := range page.Entities {
			seen = append(seen, r.ID)
		}
	}
	if !slices.Equal(seen, made) {
		t.Fatalf("pages = %v, want newest first %v", seen, made)
	}
}

func TestSearchNamesTheFailingAdapter(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(a adapter.Adapter) adapter.Adapter {
		if a.Name() == "crm" {
			return &flaky{Adapter: a, fail: func(op string, _ int) bool { return op == "search" }}
		}
		return a
	})
	_, err := e.p.SearchSubjects(context.Background(), gdpr.KindName, "Alex Morgan")
	var ae *processor.AdapterError
	if !errors.As(err, &ae) || ae.Adapter != "crm" || !errors.Is(err, gdpr.ErrServer) {
		t.Fatalf("error = %v, want an AdapterError naming crm", err)
	}
}

func TestSearchMergesAndNormalizes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	got, err := e.p.SearchSubjects(context.Background(), gdpr.KindEmail, "  ALEX.morgan@EXAMPLE.com ")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"7f9c2a10-0001-4c1e-9a55-000000000001", "c0ffee00-0000-4000-8000-000000000001"}; !slices.Equal(ids(got), want) {
		t.Fatalf("found %v, want %v", ids(got), want)
	}
	got, err = e.p.SearchSubjects(context.Background(), gdpr.KindTwitter, "AlexM")
	if err != nil || len(got) != 1 {
		t.Fatalf("twitter search = %v, %v", ids(got), err)
	}
}

func TestRunProcessesAndStops(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.p.Run(ctx) }()
	r := e.create(t, gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: gdpr.Subject{Name: "Lee Chen"}})
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := e.p.GetRequest(context.Background(), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status == gdpr.StatusCompleted {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Run left the request at %s", got.Status)
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

func TestAuditChainDetectsTampering(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	r := e.create(t, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true, Subject: gdpr.Subject{Name: "Sam Okafor"}})
	e.settle(t, r.ID)
	evs, err := e.store.Events(ctx, "", 0, 0)
	if err != nil || len(evs) < 5 {
		t.Fatalf("events: %d, %v", len(evs), err)
	}
	if err := store.VerifyChain(nil, evs); err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if strings.Contains(strings.ToLower(ev.Detail), "okafor") {
			t.Fatalf("audit event carries personal data: %+v", ev)
		}
	}
	tamper := []struct {
		name string
		edit func([]store.Event) []store.Event
		seq  int64
	}{
		{"altered detail", func(es []store.Event) []store.Event { es[2].Detail = "nothing happened"; return es }, 3},
		{"altered status", func(es []store.Event) []store.Event { es[1].Status = gdpr.StatusError; return es }, 2},
		{"removed event", func(es []store.Event) []store.Event { return slices.Delete(es, 2, 3) }, 3},
		{"swapped events", func(es []store.Event) []store.Event { es[1], es[2] = es[2], es[1]; return es }, 2},
	}
	for _, c := range tamper {
		err := store.VerifyChain(nil, c.edit(slices.Clone(evs)))
		var ce *store.ChainError
		if !errors.As(err, &ce) || ce.Seq != c.seq {
			t.Errorf("%s: error %v, want a ChainError at %d", c.name, err, c.seq)
		}
	}
}

// undecided is a retention policy whose register is down for the first
// calls.
type undecided struct {
	mu    sync.Mutex
	calls int
	down  int
}

func (u *undecided) Retain(ctx context.Context, adapter string, rec adapter.Record) (string, bool, error) {
	u.mu.Lock()
	u.calls++
	down := u.calls <= u.down
	u.mu.Unlock()
	if down {
		return "", false, errors.New("legal-hold register unavailable")
	}
	return processor.CurrentEmployees{}.Retain(ctx, adapter, rec)
}

func TestUndecidedPolicyErasesNothingUntilItAnswers(t *testing.T) {
	t.Parallel()
	policy := &undecided{down: 1}
	e := newEnv(t, nil, processor.WithPolicy(policy))
	ctx := context.Background()
	r := e.create(t, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true, Subject: gdpr.Subject{Name: "Sam Okafor"}})
	e.drain(t)
	got, _ := e.p.GetRequest(ctx, r.ID)
	d := step(t, got, "dialer")
	if got.Status != gdpr.StatusDeleting || d.State != gdpr.StepFailed || !strings.Contains(d.Error, "legal-hold") {
		t.Fatalf("after an undecided policy: %s, dialer %+v", got.Status, d)
	}
	if s, _ := e.p.SearchSubjects(ctx, gdpr.KindName, "Sam Okafor"); len(s) != 1 {
		t.Fatalf("data erased while the policy could not decide: %v", ids(s))
	}
	if got = e.settle(t, r.ID); got.Status != gdpr.StatusCompleted {
		t.Fatalf("after the register came back: %s %+v", got.Status, got.Steps)
	}
}

// packFails is a store whose archive writes fail while down says so,
// whether the archive is put on its own or with an update (BlobUpdater).
type packFails struct {
	*memstore.Store
	mu   sync.Mutex
	down int // archive writes left to fail; -1 fails them all
}

func (s *packFails) fail(key string) bool {
	if !strings.HasSuffix(key, "results.zip") {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fail := s.down != 0
	if s.down > 0 {
		s.down--
	}
	return fail
}

func (s *packFails) PutBlob(ctx context.Context, key string, r io.Reader) (int64, error) {
	if s.fail(key) {
		io.Copy(io.Discard, r)
		return 0, errors.New("disk full")
	}
	return s.Store.PutBlob(ctx, key, r)
}

func (s *packFails) UpdateWithBlob(ctx context.Context, job *store.Job, key string, data []byte, evs ...store.Event) error {
	if s.fail(key) {
		return errors.New("disk full")
	}
	return s.Store.UpdateWithBlob(ctx, job, key, data, evs...)
}

// streamed hides a Store's UpdateWithBlob: the processor puts archives on
// their own.
type streamed struct{ store.Store }

func TestPackagingFailureBacksOffAndEnds(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		down     int
		streamed bool
		want     gdpr.Status
	}{{1, false, gdpr.StatusCompleted}, {-1, false, gdpr.StatusError}, {1, true, gdpr.StatusCompleted}, {-1, true, gdpr.StatusError}} {
		e := newEnv(t, nil)
		var store store.Store = &packFails{Store: e.store, down: c.down}
		if c.streamed {
			store = streamed{store}
		}
		p, err := processor.New(store, []adapter.Adapter{e.adapters["crm"], e.adapters["dialer"]},
			processor.WithClock(e.clock.Now), processor.WithRetry(gdpr.RetryPolicy{Attempts: 3, MinWait: time.Second, MaxWait: 4 * time.Second}))
		if err != nil {
			t.Fatal(err)
		}
		e.p = p
		r := e.create(t, gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: gdpr.Subject{Name: "Sam Okafor"}})
		got := e.settle(t, r.ID)
		if got.Status != c.want {
			t.Fatalf("archive writes (streamed %t) failing %d times: ended %s, want %s: %+v", c.streamed, c.down, got.Status, c.want, got.Steps)
		}
		if c.want == gdpr.StatusError && got.ResultsURL != "" {
			t.Errorf("a request whose archive was never stored points at one: %q", got.ResultsURL)
		}
		// Once COMPLETED, the parts are gone and the archive opens.
		if c.want == gdpr.StatusCompleted {
			rc, err := p.OpenResults(context.Background(), r.ID)
			if err != nil {
				t.Fatal(err)
			}
			rc.Close()
			if _, err := store.OpenBlob(context.Background(), "exports/_/"+r.ID+"/dialer.json"); !errors.Is(err, gdpr.ErrNotFound) {
				t.Fatalf("export part left after completion: %v", err)
			}
		}
	}
}
