package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/store"
)

// TestStore runs the conformance suite of store.Store: every contract
// the interface documents, checked through the interface alone.
//
// newStore must return a new, empty Store that shares nothing with any
// other Store it returns (no jobs, events or blobs), since the subtests run
// in parallel, each on a Store of its own. It registers any cleanup the
// Store needs with t.Cleanup, and fails t when the Store cannot be made.
//
// Beyond the interface's comments, the suite relies on these properties,
// which the processor needs too:
//
//   - Times (a job's NextRun and LeaseUntil, the request's dates, an
//     event's Time) keep at least microsecond precision. A store may return
//     them in another *time.Location; the suite compares instants.
//   - A nil and an empty slice are the same; a nil and a non-nil pointer
//     are not.
//   - Claim compares times exactly as documented: a job due at now is
//     claimable, a lease ending at now has not ended. Each Claim judges
//     leases by its own now, which may be earlier than an earlier call's.
//   - An event's Time is kept to the microsecond and sealed as kept, so
//     that the chain read back verifies with store.VerifyChain; the
//     store puts an event on the chain of the job's organization.
//   - Every method given a context that is already cancelled returns an
//     error matching context.Canceled and changes nothing.
//   - Create of a request id the organization already holds (without a
//     matching idempotency key) is an error and changes nothing; so are
//     Update and Renew of a job the organization does not hold.
//   - A failed PutBlob returns an error that wraps the reader's.
func TestStore(t *testing.T, newStore func(t *testing.T) store.Store) {
	suites := []struct {
		name string
		run  func(*testing.T, func(*testing.T) store.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"Copies", testCopies},
		{"Organizations", testOrganizations},
		{"Idempotency", testIdempotency},
		{"List", testList},
		{"Claim", testClaim},
		{"Update", testUpdate},
		{"Renew", testRenew},
		{"Events", testEvents},
		{"Blobs", testBlobs},
		{"CancelledContext", testCancelled},
		{"Finished", testFinished},
		{"RequestEvents", testRequestEvents},
		{"RequestsEvents", testRequestsEvents},
		{"UpdateWithBlob", testUpdateWithBlob},
		{"Checkpoints", testCheckpoints},
		{"Receipts", testReceipts},
		{"CheckpointCovering", testCheckpointCovering},
		{"TreeHashRuns", testTreeHashRuns},
	}
	for _, s := range suites {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			s.run(t, newStore)
		})
	}
}

// base is the suite's "now". It has microsecond precision, the least a
// store must keep.
var base = time.Date(2026, time.March, 14, 9, 26, 53, 589793000, time.UTC)

// cmpOpts compare what a store returns with what it was given.
var cmpOpts = cmp.Options{
	cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
	cmpopts.EquateEmpty(),
}

// wire returns base+d as a wire time: UTC, to the millisecond.
func wire(d time.Duration) gdpr.Time { return gdpr.NewTime(base.Add(d).Truncate(time.Millisecond)) }

// fullJob returns a job with every field set (whether or not a real request
// would set them all together), text beyond ASCII, and a lease held by
// "lease-fixture" until base+1h.
func fullJob(org, id string) *store.Job {
	return &store.Job{
		Org: org,
		Request: gdpr.Request{
			ID:        id,
			Name:      "Erasure — Zoë Ångström",
			CreatedBy: &gdpr.DomainEntityRef{ID: "user-7", Name: "Privacy desk", SelfURI: "/api/v2/users/user-7"},
			ReplacementTerms: []gdpr.ReplacementTerm{
				{Type: gdpr.KindEmail, ExistingValue: "zoe@example.com", UpdatedValue: "Zoe.A@example.com"},
			},
			RequestType: gdpr.RequestDelete,
			CreatedDate: wire(-2 * time.Hour),
			Status:      gdpr.StatusDeleting,
			Subject: gdpr.Subject{
				Name:              "Zoë Ångström",
				UserID:            "user-42",
				ExternalContactID: "ec-42",
				DialerContactID:   &gdpr.DialerContactID{ID: "dc-42", ContactListID: "list-9"},
				JourneyCustomer:   &gdpr.JourneyCustomer{Type: "cookie", ID: "jc-42"},
				SocialHandle:      &gdpr.SocialHandle{Type: gdpr.KindTwitter, Value: "@zoe"},
				ExternalID:        "crm:42",
				Addresses:         []string{"12 Rue de l'Église, Genève"},
				PhoneNumbers:      []string{"+41221234567", "+41797654321"},
				EmailAddresses:    []string{"zoe@example.com"},
			},
			ResultsURL:    "https://gdpr.example.com/results/" + id,
			ResultsURLs:   []string{"https://gdpr.example.com/results/" + id + "/1"},
			SelfURI:       "/api/v2/gdpr/requests/" + id,
			DueDate:       wire(14 * 24 * time.Hour),
			ModifiedDate:  wire(-90 * time.Minute),
			CompletedDate: wire(-time.Hour),
			Steps: []gdpr.Step{{
				Adapter: "crm",
				State:   gdpr.StepDone,
				Records: 5,
				Outcome: &gdpr.Outcome{
					Exported: 1, Updated: 1, Deleted: 2, Anonymized: 1, Erased: 1,
					Retained: []gdpr.Retention{{Basis: "GDPR Art. 6(1)(c): legal obligation — invoices", Records: 1}},
				},
				Error:        "crm: timeout (first attempt)",
				Attempts:     2,
				WaitingOn:    []string{"remote-1", "remote-2"},
				WaitDetail:   "1 of 2 remote requests completed",
				WaitingSince: wire(-2 * time.Hour),
				NextLook:     wire(time.Hour),
				Looks:        3,
			}, {
				Adapter: "billing", State: gdpr.StepFailed, Error: "billing: connection refused", Attempts: 1,
			}, {
				Adapter: "tickets", State: gdpr.StepPending,
			}},
			Verification: &gdpr.Verification{
				Passed:    true,
				Date:      wire(-61 * time.Minute),
				Retained:  1,
				Remaining: []gdpr.Remaining{{Adapter: "billing", Records: 3}},
			},
		},
		IdempotencyKey: "key-" + id,
		Fingerprint:    "fp-" + id,
		Terms: []gdpr.Term{
			{Kind: gdpr.KindDialerContactID, Value: "dc-42", Scope: "list-9"},
			{Kind: gdpr.KindEmail, Value: "zoe@example.com"},
		},
		Changes:     []adapter.Change{{Kind: gdpr.KindEmail, Existing: "zoe@example.com", Updated: "Zoe.A@example.com"}},
		NextRun:     base.Add(-time.Minute),
		LeaseToken:  "lease-fixture",
		LeaseUntil:  base.Add(time.Hour),
		Results:     "results/" + org + "/" + id + ".zip",
		Retries:     1,
		Minimized:   base.Add(-30 * time.Minute),
		Correlation: "5f0c6c1e-8a3b-4c2d-9e7f-0a1b2c3d4e5f",
	}
}

// newJob returns a small open job created at base+created, due at
// base+created+48h, with NextRun base+next and no lease.
func newJob(org, id string, created, next time.Duration) *store.Job {
	return &store.Job{
		Org: org,
		Request: gdpr.Request{
			ID:          id,
			RequestType: gdpr.RequestExport,
			CreatedDate: wire(created),
			Status:      gdpr.StatusInitiated,
			Subject:     gdpr.Subject{EmailAddresses: []string{id + "@example.com"}},
			DueDate:     wire(created + 48*time.Hour),
		},
		Terms:   []gdpr.Term{{Kind: gdpr.KindEmail, Value: id + "@example.com"}},
		NextRun: base.Add(next),
	}
}

// unleased returns j without its lease.
func unleased(j *store.Job) *store.Job {
	j.LeaseToken, j.LeaseUntil = "", time.Time{}
	return j
}

// event returns an event about j of type typ at base+d.
func event(j *store.Job, typ string, d time.Duration) store.Event {
	return store.Event{
		Org:       j.Org,
		RequestID: j.Request.ID,
		Time:      base.Add(d),
		Type:      typ,
		Status:    j.Request.Status,
		Detail:    "detail of " + typ,
	}
}

// sealed returns evs sealed as one chain from its first event.
func sealed(evs ...store.Event) []store.Event {
	out := make([]store.Event, len(evs))
	for i, ev := range evs {
		var prev *store.Event
		if i > 0 {
			prev = &out[i-1]
		}
		out[i] = store.SealEvent(ev, prev)
	}
	return out
}

// scribble changes every part of j that a shallow copy would share.
func scribble(j *store.Job) {
	r := &j.Request
	r.Name = "scribbled"
	r.CreatedBy.Name = "scribbled"
	r.ReplacementTerms[0].UpdatedValue = "scribbled"
	r.Subject.DialerContactID.ID = "scribbled"
	r.Subject.JourneyCustomer.ID = "scribbled"
	r.Subject.SocialHandle.Value = "scribbled"
	r.Subject.Addresses[0] = "scribbled"
	r.Subject.PhoneNumbers[0] = "scribbled"
	r.Subject.EmailAddresses[0] = "scribbled"
	r.ResultsURLs[0] = "scribbled"
	r.Steps[0].Records = 99
	r.Steps[0].Outcome.Deleted = 99
	r.Steps[0].Outcome.Retained[0].Records = 99
	r.Verification.Remaining[0].Records = 99
	j.Terms[0].Value = "scribbled"
	j.Changes[0].Updated = "scribbled"
	j.LeaseToken = "scribbled"
}

// zeroFields lists the fields of v, recursively, that hold their zero
// value. Of a slice, only the first element is inspected.
func zeroFields(v reflect.Value, path string) []string {
	if v.IsZero() {
		return []string{path}
	}
	switch v.Kind() {
	case reflect.Pointer:
		return zeroFields(v.Elem(), path)
	case reflect.Slice:
		return zeroFields(v.Index(0), path+"[0]")
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			return nil
		}
		var zero []string
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				zero = append(zero, zeroFields(v.Field(i), path+"."+f.Name)...)
			}
		}
		return zero
	}
	return nil
}

func diff(t *testing.T, what string, want, got any) {
	t.Helper()
	if d := cmp.Diff(want, got, cmpOpts); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", what, d)
	}
}

func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error %v, want one matching %q", what, err, target)
	}
}

func mustCreate(t *testing.T, s store.Store, job *store.Job) *store.Job {
	t.Helper()
	stored, created, err := s.Create(t.Context(), job, event(job, "created", 0))
	if err != nil || !created {
		t.Fatalf("Create(%s/%s) = created %v, error %v; want created", job.Org, job.Request.ID, created, err)
	}
	return stored
}

func mustGet(t *testing.T, s store.Store, org, id string) *store.Job {
	t.Helper()
	j, err := s.Get(t.Context(), org, id)
	if err != nil {
		t.Fatalf("Get(%s/%s): %v", org, id, err)
	}
	return j
}

func mustClaim(t *testing.T, s store.Store, token string, now, until time.Time) *store.Job {
	t.Helper()
	j, err := s.Claim(t.Context(), token, now, until)
	if err != nil {
		t.Fatalf("Claim(%s, now %v): %v", token, now, err)
	}
	if j.LeaseToken != token || !j.LeaseUntil.Equal(until) {
		t.Errorf("Claim(%s) returned lease %q until %v, want %q until %v", token, j.LeaseToken, j.LeaseUntil, token, until)
	}
	return j
}

func mustUpdate(t *testing.T, s store.Store, job *store.Job, evs ...store.Event) {
	t.Helper()
	if err := s.Update(t.Context(), job, evs...); err != nil {
		t.Fatalf("Update(%s/%s): %v", job.Org, job.Request.ID, err)
	}
}

func wantNoWork(t *testing.T, s store.Store, now time.Time) {
	t.Helper()
	j, err := s.Claim(t.Context(), "token-nowork", now, now.Add(time.Hour))
	if !errors.Is(err, store.ErrNoWork) {
		id := ""
		if j != nil {
			id = j.Request.ID
		}
		t.Errorf("Claim(now %v) = %q, %v; want an error matching ErrNoWork", now, id, err)
	}
}

func allEvents(t *testing.T, s store.Store, org string) []store.Event {
	t.Helper()
	evs, err := s.Events(t.Context(), org, 0, 0)
	if err != nil {
		t.Fatalf("Events(%s): %v", org, err)
	}
	return evs
}

func ids(jobs []*store.Job) []string {
	out := make([]string, len(jobs))
	for i, j := range jobs {
		out[i] = j.Request.ID
	}
	return out
}

func testRoundTrip(t *testing.T, newStore func(*testing.T) store.Store) {
	ctx := t.Context()
	s := newStore(t)
	want := fullJob("org-a", "req-1")
	if zero := zeroFields(reflect.ValueOf(want), "Job"); len(zero) > 0 {
		t.Fatalf("storetest: fullJob leaves %v unset; set them, so that stores are tested to keep them", zero)
	}

	stored, created, err := s.Create(ctx, want.Clone(), event(want, "created", 0))
	if err != nil || !created {
		t.Fatalf("Create = created %v, error %v; want created", created, err)
	}
	diff(t, "job returned by Create", want, stored)
	diff(t, "job returned by Get", want, mustGet(t, s, "org-a", "req-1"))

	byKey, err := s.FindKey(ctx, "org-a", want.IdempotencyKey)
	if err != nil {
		t.Fatalf("FindKey: %v", err)
	}
	diff(t, "job returned by FindKey", want, byKey)

	list, total, err := s.List(ctx, "org-a", store.Filter{})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	diff(t, "jobs returned by List", []*store.Job{want}, list)
	if total != 1 {
		t.Errorf("List total = %d, want 1", total)
	}
}

func testCopies(t *testing.T, newStore func(*testing.T) store.Store) {
	ctx := t.Context()
	s := newStore(t)
	const org = "org-a"
	check := func(what string, want *store.Job) {
		t.Helper()
		diff(t, "stored job after scribbling on the job "+what, want, mustGet(t, s, org, want.Request.ID))
	}

	in := fullJob(org, "req-1")
	stored, _, err := s.Create(ctx, in, event(in, "created", 0))
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	scribble(in)
	check("passed to Create", fullJob(org, "req-1"))
	scribble(stored)
	check("returned by Create", fullJob(org, "req-1"))

	got := mustGet(t, s, org, "req-1")
	scribble(got)
	check("returned by Get", fullJob(org, "req-1"))

	byKey, err := s.FindKey(ctx, org, "key-req-1")
	if err != nil {
		t.Fatalf("FindKey: %v", err)
	}
	scribble(byKey)
	check("returned by FindKey", fullJob(org, "req-1"))

	list, _, err := s.List(ctx, org, store.Filter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("List = %d jobs, %v; want 1 job", len(list), err)
	}
	scribble(list[0])
	check("returned by List", fullJob(org, "req-1"))

	up := fullJob(org, "req-1")
	up.Request.Name = "updated"
	mustUpdate(t, s, up)
	want := up.Clone()
	scribble(up)
	check("passed to Update", want)

	mustCreate(t, s, unleased(fullJob(org, "req-2")))
	claimed := mustClaim(t, s, "token-1", base, base.Add(time.Minute))
	want = claimed.Clone()
	scribble(claimed)
	check("returned by Claim", want)

	evs := allEvents(t, s, org)
	wantEvs := slices.Clone(evs)
	evs[0].Detail, evs[0].Hash = "scribbled", "scribbled"
	diff(t, "events after scribbling on events returned by Events", wantEvs, allEvents(t, s, org))
}

func testOrganizations(t *testing.T, newStore func(*testing.T) store.Store) {
	ctx := t.Context()
	s := newStore(t)
	a1 := mustCreate(t, s, fullJob("org-a", "req-a1"))
	a2 := mustCreate(t, s, newJob("org-a", "req-a2", time.Minute, 0))
	b1 := mustCreate(t, s, newJob("org-b", "req-b1", 0, 0))

	_, err := s.Get(ctx, "org-b", "req-a1")
	wantErr(t, "Get of another organization's job", err, gdpr.ErrNotFound)
	_, err = s.Get(ctx, "org-a", "req-missing")
	wantErr(t, "Get of a missing id", err, gdpr.ErrNotFound)
	_, err = s.FindKey(ctx, "org-b", a1.IdempotencyKey)
	wantErr(t, "FindKey of another organization's key", err, gdpr.ErrNotFound)
	_, err = s.FindKey(ctx, "org-a", "key-missing")
	wantErr(t, "FindKey of an unused key", err, gdpr.ErrNotFound)

	for _, tc := range []struct {
		org  string
		want []*store.Job
	}{
		{"org-a", []*store.Job{a2, a1}},
		{"org-b", []*store.Job{b1}},
		{"org-c", nil},
	} {
		list, total, err := s.List(ctx, tc.org, store.Filter{})
		if err != nil {
			t.Fatalf("List(%s): %v", tc.org, err)
		}
		diff(t, "List("+tc.org+")", tc.want, list)
		if total != len(tc.want) {
			t.Errorf("List(%s) total = %d, want %d", tc.org, total, len(tc.want))
		}
	}

	// A job cannot be changed through another organization.
	other := a1.Clone()
	other.Org, other.Request.Name = "org-b", "moved"
	if err := s.Update(ctx, other, event(other, "status", time.Second)); err == nil {
		t.Error("Update of a job under another organization succeeded")
	}
	if err := s.Renew(ctx, "org-b", "req-a1", a1.LeaseToken, base.Add(2*time.Hour)); err == nil {
		t.Error("Renew of a job under another organization succeeded")
	}
	diff(t, "job after changes through another organization", a1, mustGet(t, s, "org-a", "req-a1"))
	if n := len(allEvents(t, s, "org-b")); n != 1 {
		t.Errorf("org-b has %d events, want 1", n)
	}
	if evs := allEvents(t, s, "org-c"); len(evs) != 0 {
		t.Errorf("org-c has %d events, want none", len(evs))
	}
}

func testIdempotency(t *testing.T, newStore func(*testing.T) store.Store) {
	t.Run("SameKey", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		s := newStore(t)
		first := newJob("org-a", "req-1", 0, 0)
		first.IdempotencyKey = "key-1"
		mustCreate(t, s, first)

		again := newJob("org-a", "req-2", time.Minute, 0)
		again.IdempotencyKey = "key-1"
		got, created, err := s.Create(ctx, again, event(again, "created", time.Minute))
		if err != nil || created {
			t.Fatalf("second Create with key-1 = created %v, error %v; want the existing job", created, err)
		}
		diff(t, "job returned for a used key", first, got)
		_, err = s.Get(ctx, "org-a", "req-2")
		wantErr(t, "Get of the job refused for a used key", err, gdpr.ErrNotFound)
		if n := len(allEvents(t, s, "org-a")); n != 1 {
			t.Errorf("org-a has %d events after a repeated Create, want 1", n)
		}

		// The key returns the job as it is now, not as it was created.
		up := first.Clone()
		up.Request.Status = gdpr.StatusSearching
		mustUpdate(t, s, up)
		got, created, err = s.Create(ctx, again, event(again, "created", time.Minute))
		if err != nil || created {
			t.Fatalf("third Create with key-1 = created %v, error %v; want the existing job", created, err)
		}
		diff(t, "job returned for a used key after an update", up, got)
		byKey, err := s.FindKey(ctx, "org-a", "key-1")
		if err != nil {
			t.Fatalf("FindKey: %v", err)
		}
		diff(t, "job returned by FindKey", up, byKey)
	})

	t.Run("OtherOrganization", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		a := newJob("org-a", "req-a", 0, 0)
		a.IdempotencyKey = "key-1"
		b := newJob("org-b", "req-b", 0, 0)
		b.IdempotencyKey = "key-1"
		mustCreate(t, s, a)
		mustCreate(t, s, b)
		diff(t, "org-b's job", b, mustGet(t, s, "org-b", "req-b"))
	})

	t.Run("EmptyKey", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		mustCreate(t, s, newJob("org-a", "req-1", 0, 0))
		mustCreate(t, s, newJob("org-a", "req-2", 0, 0))
		_, err := s.FindKey(t.Context(), "org-a", "")
		wantErr(t, "FindKey of the empty key", err, gdpr.ErrNotFound)
	})

	t.Run("ExistingID", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		s := newStore(t)
		first := mustCreate(t, s, newJob("org-a", "req-1", 0, 0))
		dup := newJob("org-a", "req-1", time.Minute, 0)
		dup.Request.Name = "duplicate"
		if _, _, err := s.Create(ctx, dup, event(dup, "created", time.Minute)); err == nil {
			t.Error("Create of an existing request id succeeded")
		}
		diff(t, "job after a Create of its id", first, mustGet(t, s, "org-a", "req-1"))
		if n := len(allEvents(t, s, "org-a")); n != 1 {
			t.Errorf("org-a has %d events after a refused Create, want 1", n)
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		const racers = 8
		var (
			mu      sync.Mutex
			created int
			got     = map[string]bool{}
			wg      sync.WaitGroup
		)
		for i := range racers {
			wg.Go(func() {
				j := newJob("org-a", fmt.Sprintf("req-%d", i), 0, 0)
				j.IdempotencyKey = "key-race"
				stored, ok, err := s.Create(t.Context(), j, event(j, "created", 0))
				if err != nil {
					t.Errorf("Create: %v", err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				got[stored.Request.ID] = true
				if ok {
					created++
				}
			})
		}
		wg.Wait()
		if created != 1 || len(got) != 1 {
			t.Errorf("%d racing Creates with one key created %d jobs and returned %d ids; want 1 and 1", racers, created, len(got))
		}
		if n := len(allEvents(t, s, "org-a")); n != 1 {
			t.Errorf("org-a has %d events, want 1", n)
		}
	})
}

func testList(t *testing.T, newStore func(*testing.T) store.Store) {
	s := newStore(t)
	jobs := []*store.Job{
		listJob("req-f", -5*time.Hour, gdpr.StatusCompleted, 24*time.Hour),
		listJob("req-a", -4*time.Hour, gdpr.StatusInitiated, 48*time.Hour),
		listJob("req-c", -3*time.Hour, gdpr.StatusError, -time.Hour),
		listJob("req-d", -3*time.Hour, gdpr.StatusSearching, time.Hour), // created with req-c
		listJob("req-b", -2*time.Hour, gdpr.StatusDeleting, 14*24*time.Hour),
		listJob("req-e", -1*time.Hour, gdpr.StatusCompleted, -48*time.Hour),
	}
	for _, j := range jobs {
		mustCreate(t, s, j)
	}
	other := listJob("req-z", 0, gdpr.StatusInitiated, -time.Hour)
	other.Org = "org-b"
	mustCreate(t, s, other)

	tests := []struct {
		name  string
		f     store.Filter
		want  []string
		total int
	}{
		{"All", store.Filter{}, []string{"req-e", "req-b", "req-d", "req-c", "req-a", "req-f"}, 6},
		{"Page", store.Filter{Offset: 1, Limit: 2}, []string{"req-b", "req-d"}, 6},
		{"LastPage", store.Filter{Offset: 4, Limit: 5}, []string{"req-a", "req-f"}, 6},
		{"BeyondLastPage", store.Filter{Offset: 10, Limit: 5}, nil, 6},
		{"LimitOnly", store.Filter{Limit: 1}, []string{"req-e"}, 6},
		{"Status", store.Filter{Statuses: []gdpr.Status{gdpr.StatusCompleted}}, []string{"req-e", "req-f"}, 2},
		{"Statuses", store.Filter{Statuses: []gdpr.Status{gdpr.StatusError, gdpr.StatusCompleted}}, []string{"req-e", "req-c", "req-f"}, 3},
		{"Open", store.Filter{Open: true}, []string{"req-b", "req-d", "req-a"}, 3},
		{"OpenPaged", store.Filter{Open: true, Offset: 1, Limit: 1}, []string{"req-d"}, 3},
		{"DueBefore", store.Filter{DueBefore: base}, []string{"req-e", "req-c"}, 2},
		{"DueBeforeIsStrict", store.Filter{DueBefore: wire(time.Hour).Time}, []string{"req-e", "req-c"}, 2},
		{"OpenDueBefore", store.Filter{Open: true, DueBefore: wire(2 * time.Hour).Time}, []string{"req-d"}, 1},
		{"NoneMatch", store.Filter{Open: true, Statuses: []gdpr.Status{gdpr.StatusCompleted}}, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if n := countMatches(tc.f, jobs); n != tc.total {
				t.Fatalf("storetest: case expects %d matches, Filter.Match finds %d", tc.total, n)
			}
			got, total, err := s.List(t.Context(), "org-a", tc.f)
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			diff(t, "ids listed", tc.want, ids(got))
			if total != tc.total {
				t.Errorf("List total = %d, want %d", total, tc.total)
			}
		})
	}
}

// listJob returns a job of org-a created at base+created, due at
// base+due.
func listJob(id string, created time.Duration, st gdpr.Status, due time.Duration) *store.Job {
	j := newJob("org-a", id, created, 0)
	j.Request.Status = st
	j.Request.DueDate = wire(due)
	return j
}

func countMatches(f store.Filter, jobs []*store.Job) int {
	n := 0
	for _, j := range jobs {
		if f.Match(j) {
			n++
		}
	}
	return n
}

func testClaim(t *testing.T, newStore func(*testing.T) store.Store) {
	t.Run("Empty", func(t *testing.T) {
		t.Parallel()
		wantNoWork(t, newStore(t), base)
	})

	t.Run("EarliestNextRunFirst", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		for _, j := range []*store.Job{
			newJob("org-a", "req-1", 0, -time.Minute),
			newJob("org-b", "req-2", 0, -3*time.Minute),
			newJob("org-a", "req-3", 0, -2*time.Minute),
			newJob("org-a", "req-4", 0, time.Microsecond),
		} {
			mustCreate(t, s, j)
		}
		until := base.Add(time.Minute)
		var got []string
		for i := range 3 {
			j := mustClaim(t, s, fmt.Sprintf("token-%d", i), base, until)
			got = append(got, j.Request.ID)
			diff(t, "claimed job as stored", j, mustGet(t, s, j.Org, j.Request.ID))
		}
		diff(t, "claim order", []string{"req-2", "req-3", "req-1"}, got)
		wantNoWork(t, s, base)
	})

	t.Run("Claimability", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		// l1 and l2 are leased: l1 until base+1m, l2 until exactly base.
		mustCreate(t, s, newJob("org-a", "req-l1", 0, -10*time.Minute))
		mustClaim(t, s, "token-l1", base.Add(-10*time.Minute), base.Add(time.Minute))
		mustCreate(t, s, newJob("org-a", "req-l2", 0, -5*time.Minute))
		mustClaim(t, s, "token-l2", base.Add(-5*time.Minute), base)

		future := newJob("org-a", "req-future", 0, time.Second)
		done := newJob("org-a", "req-done", 0, -20*time.Minute)
		done.Request.Status = gdpr.StatusCompleted
		failed := newJob("org-a", "req-failed", 0, -20*time.Minute)
		failed.Request.Status = gdpr.StatusError
		dueNow := newJob("org-a", "req-due-now", 0, 0)
		for _, j := range []*store.Job{future, done, failed, dueNow} {
			mustCreate(t, s, j)
		}

		later := base.Add(48 * time.Hour)
		if j := mustClaim(t, s, "token-1", base, later); j.Request.ID != "req-due-now" {
			t.Errorf("claim at base = %s, want req-due-now (NextRun equal to now is due)", j.Request.ID)
		}
		wantNoWork(t, s, base) // l2's lease ends at base: it has not ended

		now := base.Add(time.Microsecond)
		j := mustClaim(t, s, "token-2", now, later)
		if j.Request.ID != "req-l2" {
			t.Errorf("claim at base+1µs = %s, want req-l2 (its lease ended)", j.Request.ID)
		}
		diff(t, "job claimed after its lease ended, as stored", j, mustGet(t, s, "org-a", "req-l2"))
		wantNoWork(t, s, now)

		now = base.Add(2 * time.Minute)
		var got []string
		for i := range 2 {
			got = append(got, mustClaim(t, s, fmt.Sprintf("token-%d", 3+i), now, later).Request.ID)
		}
		diff(t, "claims at base+2m", []string{"req-l1", "req-future"}, got)
		wantNoWork(t, s, now)
		wantNoWork(t, s, base.Add(24*time.Hour)) // the final jobs never
	})

	t.Run("EarlierNow", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		// Callers' clocks disagree: a lease is judged by the now of each
		// Claim, not by the latest now the store has seen.
		mustCreate(t, s, newJob("org-a", "req-1", 0, -time.Minute))
		mustClaim(t, s, "token-a", base, base.Add(time.Hour))
		mustCreate(t, s, newJob("org-a", "req-0", 0, -10*time.Minute))
		if j := mustClaim(t, s, "token-b", base.Add(2*time.Hour), base.Add(3*time.Hour)); j.Request.ID != "req-0" {
			t.Errorf("claim at base+2h = %s, want req-0", j.Request.ID)
		}
		wantNoWork(t, s, base.Add(30*time.Minute)) // req-1's lease runs to base+1h
		if j := mustClaim(t, s, "token-c", base.Add(2*time.Hour), base.Add(3*time.Hour)); j.Request.ID != "req-1" {
			t.Errorf("claim at base+2h = %s, want req-1", j.Request.ID)
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		const jobs, workers = 50, 8
		for i := range jobs {
			mustCreate(t, s, newJob(fmt.Sprintf("org-%d", i%3), fmt.Sprintf("req-%02d", i), 0, -time.Duration(i)*time.Second))
		}
		var (
			mu     sync.Mutex
			owner  = map[string]string{}
			claims int
			wg     sync.WaitGroup
		)
		for w := range workers {
			token := fmt.Sprintf("worker-%d", w)
			wg.Go(func() {
				for {
					mu.Lock()
					claims++
					over := claims > 2*jobs // a store that hands jobs out again would never run out
					mu.Unlock()
					if over {
						return
					}
					j, err := s.Claim(t.Context(), token, base, base.Add(time.Hour))
					if errors.Is(err, store.ErrNoWork) {
						return
					}
					if err != nil {
						t.Errorf("Claim(%s): %v", token, err)
						return
					}
					if j.LeaseToken != token {
						t.Errorf("Claim(%s) returned a job leased to %q", token, j.LeaseToken)
					}
					mu.Lock()
					if prev, ok := owner[j.Request.ID]; ok {
						t.Errorf("%s claimed by %s and %s", j.Request.ID, prev, token)
					}
					owner[j.Request.ID] = token
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(owner) != jobs {
			t.Errorf("%d workers claimed %d jobs, want %d", workers, len(owner), jobs)
		}
		for i := range jobs {
			org, id := fmt.Sprintf("org-%d", i%3), fmt.Sprintf("req-%02d", i)
			if j := mustGet(t, s, org, id); j.LeaseToken != owner[id] {
				t.Errorf("%s is stored leased to %q, was claimed by %q", id, j.LeaseToken, owner[id])
			}
		}
	})
}

func testUpdate(t *testing.T, newStore func(*testing.T) store.Store) {
	t.Run("ReplacesAndAppends", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		job := unleased(fullJob("org-a", "req-1"))
		mustCreate(t, s, job)
		claimed := mustClaim(t, s, "token-1", base, base.Add(time.Minute))

		next := claimed.Clone()
		next.Request.Status = gdpr.StatusFinalizing
		next.Request.Steps = next.Request.Steps[:1]
		next.Request.Steps[0].Outcome = nil
		next.Request.Verification = nil
		next.Request.CompletedDate = gdpr.Time{}
		next.Request.ModifiedDate = wire(time.Minute)
		next.Terms = nil
		next.Results = ""
		next.NextRun = base.Add(5 * time.Minute)
		next.Retries = 2
		next.Correlation = "a retry's correlation"
		step, status := event(next, "step", time.Second), event(next, "status", 2*time.Second)
		mustUpdate(t, s, next, step, status)
		diff(t, "updated job", next, mustGet(t, s, "org-a", "req-1"))
		diff(t, "events", sealed(event(job, "created", 0), step, status), allEvents(t, s, "org-a"))
	})

	t.Run("StaleToken", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		s := newStore(t)
		mustCreate(t, s, newJob("org-a", "req-1", 0, 0))
		stale := mustClaim(t, s, "token-a", base, base.Add(time.Minute))
		now := base.Add(2 * time.Minute)
		current := mustClaim(t, s, "token-b", now, now.Add(time.Minute))

		stale.Request.Status = gdpr.StatusCompleted
		err := s.Update(ctx, stale, event(stale, "status", time.Minute))
		wantErr(t, "Update with the stale token", err, store.ErrLeaseLost)
		err = s.Renew(ctx, "org-a", "req-1", "token-a", now.Add(time.Hour))
		wantErr(t, "Renew with the stale token", err, store.ErrLeaseLost)
		diff(t, "job after stale Update and Renew", current, mustGet(t, s, "org-a", "req-1"))
		if n := len(allEvents(t, s, "org-a")); n != 1 {
			t.Errorf("org-a has %d events after a refused Update, want 1", n)
		}
	})

	t.Run("WrongToken", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		mustCreate(t, s, newJob("org-a", "req-1", 0, 0))
		claimed := mustClaim(t, s, "token-a", base, base.Add(time.Minute))
		for _, token := range []string{"token-other", ""} {
			j := claimed.Clone()
			j.LeaseToken, j.Request.Name = token, "overwritten"
			err := s.Update(t.Context(), j, event(j, "status", time.Second))
			wantErr(t, fmt.Sprintf("Update with token %q", token), err, store.ErrLeaseLost)
		}
		diff(t, "job after refused Updates", claimed, mustGet(t, s, "org-a", "req-1"))
		if n := len(allEvents(t, s, "org-a")); n != 1 {
			t.Errorf("org-a has %d events after refused Updates, want 1", n)
		}
	})

	t.Run("NeverClaimed", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		j := mustCreate(t, s, newJob("org-a", "req-1", 0, 0))
		j.Request.Name = "renamed"
		mustUpdate(t, s, j, event(j, "status", time.Second))
		diff(t, "job updated without a lease", j, mustGet(t, s, "org-a", "req-1"))
		if c := mustClaim(t, s, "token-1", base, base.Add(time.Minute)); c.Request.ID != "req-1" {
			t.Errorf("claimed %s, want req-1", c.Request.ID)
		}
	})

	t.Run("Missing", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		j := newJob("org-a", "req-missing", 0, 0)
		if err := s.Update(t.Context(), j, event(j, "status", 0)); err == nil {
			t.Error("Update of a job never created succeeded")
		}
		_, err := s.Get(t.Context(), "org-a", "req-missing")
		wantErr(t, "Get after Update of a job never created", err, gdpr.ErrNotFound)
		if evs := allEvents(t, s, "org-a"); len(evs) != 0 {
			t.Errorf("org-a has %d events, want none", len(evs))
		}
	})

	t.Run("Release", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		mustCreate(t, s, newJob("org-a", "req-1", 0, 0))
		mustCreate(t, s, newJob("org-a", "req-2", 0, time.Second))
		j := mustClaim(t, s, "token-a", base, base.Add(time.Hour))

		// Released and due at once: claimable again, with a new token.
		j.LeaseUntil = time.Time{}
		mustUpdate(t, s, j)
		j = mustClaim(t, s, "token-b", base, base.Add(time.Hour))
		if j.Request.ID != "req-1" {
			t.Fatalf("claimed %s after releasing req-1, want req-1", j.Request.ID)
		}

		// Released with a backoff: claimable once due.
		j.LeaseUntil, j.NextRun = time.Time{}, base.Add(time.Minute)
		mustUpdate(t, s, j, event(j, "retry", 0))
		if c := mustClaim(t, s, "token-c", base.Add(time.Second), base.Add(time.Hour)); c.Request.ID != "req-2" {
			t.Errorf("claimed %s, want req-2 (req-1 is not due)", c.Request.ID)
		}
		wantNoWork(t, s, base.Add(time.Second))
		if c := mustClaim(t, s, "token-d", base.Add(time.Minute), base.Add(time.Hour)); c.Request.ID != "req-1" {
			t.Errorf("claimed %s once req-1 is due, want req-1", c.Request.ID)
		}
	})

	t.Run("FinalAndReopened", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		mustCreate(t, s, newJob("org-a", "req-1", 0, 0))
		j := mustClaim(t, s, "token-a", base, base.Add(time.Minute))
		j.Request.Status = gdpr.StatusError
		mustUpdate(t, s, j, event(j, "status", 0)) // lease kept: it ends anyway
		wantNoWork(t, s, base.Add(time.Hour))

		// A retry reopens the job through the token it was left with.
		j = mustGet(t, s, "org-a", "req-1")
		j.Request.Status, j.LeaseUntil, j.Retries = gdpr.StatusInitiated, time.Time{}, 1
		mustUpdate(t, s, j, event(j, "retry", time.Hour))
		if c := mustClaim(t, s, "token-b", base.Add(time.Hour), base.Add(2*time.Hour)); c.Request.ID != "req-1" {
			t.Errorf("claimed %s, want the reopened req-1", c.Request.ID)
		}
	})
}

func testRenew(t *testing.T, newStore func(*testing.T) store.Store) {
	ctx := t.Context()
	s := newStore(t)
	mustCreate(t, s, newJob("org-a", "req-1", 0, 0))
	mustClaim(t, s, "token-a", base, base.Add(time.Minute))

	until := base.Add(10 * time.Minute)
	if err := s.Renew(ctx, "org-a", "req-1", "token-a", until); err != nil {
		t.Fatalf("Renew: %v", err)
	}
	if j := mustGet(t, s, "org-a", "req-1"); !j.LeaseUntil.Equal(until) || j.LeaseToken != "token-a" {
		t.Errorf("after Renew the job is leased to %q until %v, want token-a until %v", j.LeaseToken, j.LeaseUntil, until)
	}
	wantNoWork(t, s, base.Add(5*time.Minute)) // the first lease would have ended

	err := s.Renew(ctx, "org-a", "req-1", "token-other", base.Add(time.Hour))
	wantErr(t, "Renew with a wrong token", err, store.ErrLeaseLost)
	if err := s.Renew(ctx, "org-a", "req-missing", "token-a", base.Add(time.Hour)); err == nil {
		t.Error("Renew of a missing job succeeded")
	}

	mustClaim(t, s, "token-b", base.Add(11*time.Minute), base.Add(time.Hour))
	err = s.Renew(ctx, "org-a", "req-1", "token-a", base.Add(2*time.Hour))
	wantErr(t, "Renew after the lease passed on", err, store.ErrLeaseLost)

	// A released job cannot be renewed, even by the holder of its token:
	// a renewal racing the release must not lease it again.
	released := mustGet(t, s, "org-a", "req-1")
	released.LeaseUntil = time.Time{}
	mustUpdate(t, s, released)
	err = s.Renew(ctx, "org-a", "req-1", "token-b", base.Add(2*time.Hour))
	wantErr(t, "Renew of a released job", err, store.ErrLeaseLost)
	if j := mustGet(t, s, "org-a", "req-1"); !j.LeaseUntil.IsZero() {
		t.Errorf("Renew of a released job leased it until %v", j.LeaseUntil)
	}
}

func testEvents(t *testing.T, newStore func(*testing.T) store.Store) {
	t.Run("Chain", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		s := newStore(t)
		j1, j2 := newJob("org-a", "req-1", 0, 0), newJob("org-a", "req-2", 0, time.Hour)
		j3 := newJob("org-b", "req-3", 0, time.Hour)
		mustCreate(t, s, j1)
		mustCreate(t, s, j3)
		mustCreate(t, s, j2)
		c := mustClaim(t, s, "token-1", base, base.Add(time.Minute))
		c.Request.Status = gdpr.StatusSearching
		e1, e2 := event(c, "status", time.Second), event(c, "step", 2*time.Second)
		mustUpdate(t, s, c, e1, e2)
		e3 := event(j2, "status", 3*time.Second)
		e3.Time = e3.Time.In(time.FixedZone("CET", 3600)) // an instant, whatever its zone
		mustUpdate(t, s, mustGet(t, s, "org-a", "req-2"), e3)

		wantA := sealed(event(j1, "created", 0), event(j2, "created", 0), e1, e2, e3)
		gotA := allEvents(t, s, "org-a")
		diff(t, "org-a events", wantA, gotA)
		if err := store.VerifyChain(nil, gotA); err != nil {
			t.Errorf("org-a chain: %v", err)
		}
		gotB := allEvents(t, s, "org-b")
		diff(t, "org-b events", sealed(event(j3, "created", 0)), gotB)
		if err := store.VerifyChain(nil, gotB); err != nil {
			t.Errorf("org-b chain: %v", err)
		}

		for _, tc := range []struct {
			after int64
			limit int
			want  []store.Event
		}{
			{0, 1, wantA[:1]},
			{2, 2, wantA[2:4]},
			{3, 0, wantA[3:]},
			{4, 10, wantA[4:]},
			{5, 0, nil},
			{9, 1, nil},
		} {
			got, err := s.Events(ctx, "org-a", tc.after, tc.limit)
			if err != nil {
				t.Fatalf("Events(after %d, limit %d): %v", tc.after, tc.limit, err)
			}
			diff(t, fmt.Sprintf("Events(after %d, limit %d)", tc.after, tc.limit), tc.want, got)
			if tc.after > 0 && len(got) > 0 {
				if err := store.VerifyChain(&wantA[tc.after-1], got); err != nil {
					t.Errorf("Events(after %d, limit %d) does not continue the chain: %v", tc.after, tc.limit, err)
				}
			}
		}
	})

	t.Run("SubMicrosecondTime", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		j := newJob("org-a", "req-1", 0, 0)
		ev := event(j, "created", 0)
		ev.Time = ev.Time.Add(789 * time.Nanosecond)
		if _, _, err := s.Create(t.Context(), j, ev); err != nil {
			t.Fatalf("Create: %v", err)
		}
		evs := allEvents(t, s, "org-a")
		if len(evs) != 1 {
			t.Fatalf("got %d events, want 1", len(evs))
		}
		if d := evs[0].Time.Sub(ev.Time).Abs(); d >= time.Microsecond {
			t.Errorf("event time %v is %v from %v, want under 1µs", evs[0].Time, d, ev.Time)
		}
		if err := store.VerifyChain(nil, evs); err != nil {
			t.Errorf("chain of an event with nanoseconds: %v (seal the time as stored)", err)
		}
	})

	t.Run("ConcurrentCreates", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		const workers, each = 8, 25
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					j := newJob("org-a", fmt.Sprintf("req-%d-%02d", w, i), 0, 0)
					if _, _, err := s.Create(t.Context(), j, event(j, "created", time.Duration(i)*time.Millisecond)); err != nil {
						t.Errorf("Create: %v", err)
						return
					}
				}
			})
		}
		wg.Wait()
		evs := allEvents(t, s, "org-a")
		if len(evs) != workers*each {
			t.Errorf("got %d events, want %d", len(evs), workers*each)
		}
		if err := store.VerifyChain(nil, evs); err != nil {
			t.Errorf("chain after concurrent Creates: %v", err)
		}
		seen := map[string]bool{}
		for _, ev := range evs {
			if seen[ev.RequestID] {
				t.Errorf("two events about %s", ev.RequestID)
			}
			seen[ev.RequestID] = true
		}
	})
}

func testBlobs(t *testing.T, newStore func(*testing.T) store.Store) {
	t.Run("PutOpenReplaceDelete", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		s := newStore(t)
		put(t, s, "results/a.zip", "first archive")
		put(t, s, "results/b.zip", "other archive")
		put(t, s, "results/empty.zip", "")
		wantBlob(t, s, "results/a.zip", "first archive")
		wantBlob(t, s, "results/empty.zip", "")

		put(t, s, "results/a.zip", "second")
		wantBlob(t, s, "results/a.zip", "second")

		if err := s.DeleteBlob(ctx, "results/a.zip"); err != nil {
			t.Fatalf("DeleteBlob: %v", err)
		}
		_, err := s.OpenBlob(ctx, "results/a.zip")
		wantErr(t, "OpenBlob of a deleted blob", err, gdpr.ErrNotFound)
		for _, key := range []string{"results/a.zip", "results/never.zip"} {
			if err := s.DeleteBlob(ctx, key); err != nil {
				t.Errorf("DeleteBlob(%s) of a missing blob: %v", key, err)
			}
		}
		wantBlob(t, s, "results/b.zip", "other archive")
	})

	t.Run("Large", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		s := newStore(t)
		const size = 8 << 20
		n, err := s.PutBlob(ctx, "results/large.zip", &patternReader{left: size})
		if err != nil || n != size {
			t.Fatalf("PutBlob of %d bytes = %d, %v", size, n, err)
		}
		rc, err := s.OpenBlob(ctx, "results/large.zip")
		if err != nil {
			t.Fatalf("OpenBlob: %v", err)
		}
		defer rc.Close()
		want, got := sha256.New(), sha256.New()
		io.Copy(want, &patternReader{left: size})
		if m, err := io.Copy(got, rc); err != nil || m != size {
			t.Fatalf("read back %d bytes, %v; want %d", m, err, size)
		}
		if !bytes.Equal(want.Sum(nil), got.Sum(nil)) {
			t.Error("large blob read back differs from what was put")
		}
	})

	t.Run("FailedPut", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		s := newStore(t)
		put(t, s, "results/a.zip", "kept")
		for _, key := range []string{"results/a.zip", "results/new.zip"} {
			r := io.MultiReader(&patternReader{left: 1 << 20}, failingReader{})
			if _, err := s.PutBlob(ctx, key, r); !errors.Is(err, errReaderBroke) {
				t.Errorf("PutBlob(%s) from a failing reader: error %v, want one matching %q", key, err, errReaderBroke)
			}
		}
		wantBlob(t, s, "results/a.zip", "kept")
		_, err := s.OpenBlob(ctx, "results/new.zip")
		wantErr(t, "OpenBlob after a failed first PutBlob", err, gdpr.ErrNotFound)
	})
}

func put(t *testing.T, s store.Store, key, content string) {
	t.Helper()
	n, err := s.PutBlob(t.Context(), key, bytes.NewBufferString(content))
	if err != nil || n != int64(len(content)) {
		t.Fatalf("PutBlob(%s) = %d, %v; want %d", key, n, err, len(content))
	}
}

func wantBlob(t *testing.T, s store.Store, key, want string) {
	t.Helper()
	rc, err := s.OpenBlob(t.Context(), key)
	if err != nil {
		t.Errorf("OpenBlob(%s): %v", key, err)
		return
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil {
		t.Errorf("reading blob %s: %v", key, err)
	}
	if string(got) != want {
		t.Errorf("blob %s = %q, want %q", key, got, want)
	}
}

// patternReader yields left bytes of a fixed pattern, as a stream. The
// pattern repeats every 65,521 bytes, a prime, so that a blob whose chunks
// are stored out of order or twice reads back different.
type patternReader struct {
	left, off int64
}

var pattern = func() []byte {
	p := make([]byte, 65521)
	for i := range p {
		p[i] = byte(uint64(i) * 0x9E3779B97F4A7C15 >> 56)
	}
	return p
}()

func (r *patternReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	at := r.off % int64(len(pattern))
	n := copy(p[:min(int64(len(p)), r.left)], pattern[at:])
	r.left -= int64(n)
	r.off += int64(n)
	return n, nil
}

var errReaderBroke = errors.New("storetest: reader broke part-way")

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errReaderBroke }

func testCancelled(t *testing.T, newStore func(*testing.T) store.Store) {
	s := newStore(t)
	mustCreate(t, s, newJob("org-a", "req-1", 0, 0))
	put(t, s, "results/a.zip", "kept")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	fresh := newJob("org-a", "req-2", 0, 0)
	job := mustGet(t, s, "org-a", "req-1")
	job.Request.Name = "changed"
	calls := []struct {
		name string
		call func() error
	}{
		{"Create", func() error { _, _, err := s.Create(ctx, fresh, event(fresh, "created", 0)); return err }},
		{"Get", func() error { _, err := s.Get(ctx, "org-a", "req-1"); return err }},
		{"FindKey", func() error { _, err := s.FindKey(ctx, "org-a", "key"); return err }},
		{"List", func() error { _, _, err := s.List(ctx, "org-a", store.Filter{}); return err }},
		{"Claim", func() error { _, err := s.Claim(ctx, "token-1", base, base.Add(time.Hour)); return err }},
		{"Update", func() error { return s.Update(ctx, job, event(job, "status", 0)) }},
		{"Renew", func() error { return s.Renew(ctx, "org-a", "req-1", "", base.Add(time.Hour)) }},
		{"Events", func() error { _, err := s.Events(ctx, "org-a", 0, 0); return err }},
		{"PutBlob", func() error { _, err := s.PutBlob(ctx, "results/a.zip", bytes.NewBufferString("new")); return err }},
		{"OpenBlob", func() error { _, err := s.OpenBlob(ctx, "results/a.zip"); return err }},
		{"DeleteBlob", func() error { return s.DeleteBlob(ctx, "results/a.zip") }},
	}
	for _, c := range calls {
		wantErr(t, c.name+" with a cancelled context", c.call(), context.Canceled)
	}

	_, err := s.Get(t.Context(), "org-a", "req-2")
	wantErr(t, "Get of a job created with a cancelled context", err, gdpr.ErrNotFound)
	diff(t, "job after calls with a cancelled context", newJob("org-a", "req-1", 0, 0), mustGet(t, s, "org-a", "req-1"))
	if n := len(allEvents(t, s, "org-a")); n != 1 {
		t.Errorf("org-a has %d events, want 1", n)
	}
	wantBlob(t, s, "results/a.zip", "kept")
}
