package processor_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store/memstore"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The ways eraseFaults fails an Erase.
const (
	eraseFailBefore  = iota // fails before erasing anything
	eraseFailPartway        // erases some of the records, then fails
	eraseFailAfter          // erases every record, then fails to answer
	eraseLie                // answers that it deleted a few records, and erases nothing
	eraseFaultKinds
)

var personKinds = map[string]bool{memadapter.KindUser: true, memadapter.KindExternalContact: true, memadapter.KindDialerContact: true}

var eraseFaultNames = [eraseFaultKinds]string{"failed before erasing", "failed part-way", "failed after erasing", "lied"}

// eraseFaults wraps an adapter so that Erase fails at random, decided by
// the seed, the request's index, the adapter and the number of the call,
// so that the order in which requests run changes nothing. It records,
// for each request, what the adapter really erased and what it answered.
type eraseFaults struct {
	adapter.Adapter
	seed  uint64
	n     uint64 // the adapter's number, for the fault sequence
	index func(requestID string) int
	on    atomic.Bool

	mu    sync.Mutex
	calls map[string]int
	seen  map[string]*eraseSeen
	count [eraseFaultKinds]int
}

// eraseSeen is what one adapter did for one request.
type eraseSeen struct {
	erased   int          // records deleted or anonymized, by every call
	reported gdpr.Outcome // the last outcome answered with success
	lastErr  string       // the last error answered; "" after a success
	lied     bool         // the last success was a lie
	cut      bool         // a call erased records and then failed
}

func (f *eraseFaults) record(id string, fn func(s *eraseSeen)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.seen == nil {
		f.seen = map[string]*eraseSeen{}
	}
	s := f.seen[id]
	if s == nil {
		s = &eraseSeen{}
		f.seen[id] = s
	}
	fn(s)
}

func (f *eraseFaults) get(id string) eraseSeen {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s := f.seen[id]; s != nil {
		return *s
	}
	return eraseSeen{}
}

// fault returns the fault of this call, or -1, and a number in [0, 1).
func (f *eraseFaults) fault(op adapter.Op) (int, float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[op.RequestID]++
	if !f.on.Load() {
		return -1, 0
	}
	call := uint64(f.calls[op.RequestID])
	rng := rand.New(rand.NewPCG(f.seed, uint64(f.index(op.RequestID))<<16|f.n<<8|call))
	p, x := rng.Float64(), rng.Float64()
	k := -1
	switch {
	case p < 0.12:
		k = eraseFailBefore
	case p < 0.24:
		k = eraseFailPartway
	case p < 0.32:
		k = eraseFailAfter
	case p < 0.40:
		k = eraseLie
	}
	if k >= 0 {
		f.count[k]++
	}
	return k, x
}

func (f *eraseFaults) Erase(ctx context.Context, op adapter.Op, terms []gdpr.Term, keep adapter.KeepFunc) (gdpr.Outcome, error) {
	k, x := f.fault(op)
	fail := func(format string, args ...any) (gdpr.Outcome, error) {
		err := fmt.Errorf("%s: injected fault: "+format, append([]any{f.Name()}, args...)...)
		f.record(op.RequestID, func(s *eraseSeen) { s.lastErr, s.lied = err.Error(), false })
		return gdpr.Outcome{}, err
	}
	// erase runs the real Erase, under an op id of its own, so that the
	// adapter does not answer the processor's op from this run.
	erase := func(suffix string, keep adapter.KeepFunc) (int, error) {
		out, err := f.Adapter.Erase(ctx, adapter.Op{RequestID: op.RequestID, ID: op.ID + suffix}, terms, keep)
		n := out.Deleted + out.Anonymized
		f.record(op.RequestID, func(s *eraseSeen) { s.erased += n })
		return n, err
	}
	switch k {
	case eraseFailBefore:
		return fail("the data store did not answer")
	case eraseFailPartway:
		// The store erases the first few linked records and fails before
		// the rest and before the people they belong to, whose terms
		// still find what is left.
		var reached atomic.Int64
		limit := int64(1 + x*4)
		n, err := erase("/partway", func(ctx context.Context, rec adapter.Record) (string, bool, error) {
			if personKinds[rec.Kind] || reached.Add(1) > limit {
				return "not reached", true, nil
			}
			return keep(ctx, rec)
		})
		if err != nil {
			return gdpr.Outcome{}, err
		}
		f.record(op.RequestID, func(s *eraseSeen) { s.cut = s.cut || n > 0 })
		return fail("connection lost after erasing %d records", n)
	case eraseFailAfter:
		n, err := erase("/after", keep)
		if err != nil {
			return gdpr.Outcome{}, err
		}
		f.record(op.RequestID, func(s *eraseSeen) { s.cut = s.cut || n > 0 })
		return fail("connection lost after erasing %d records, before answering", n)
	case eraseLie:
		out := gdpr.Outcome{Deleted: 1 + int(x*3)}
		f.record(op.RequestID, func(s *eraseSeen) { s.reported, s.lastErr, s.lied = out, "", true })
		return out, nil
	}
	out, err := f.Adapter.Erase(ctx, op, terms, keep)
	f.record(op.RequestID, func(s *eraseSeen) {
		if err != nil {
			s.lastErr, s.lied = err.Error(), false
			return
		}
		s.erased += out.Deleted + out.Anonymized
		s.reported, s.lastErr, s.lied = out, "", false
	})
	return out, err
}

// eraseSubjects returns, as the subject of a delete request, one person
// of each group of the demo data's people linked by a common email,
// phone, id or handle, so that no request finds a person another request
// finds: every fourth by its id, the others by an email or else a phone.
func eraseSubjects(t *testing.T) []gdpr.Subject {
	t.Helper()
	var norm adapter.Normalizer
	parent := map[gdpr.Term]gdpr.Term{}
	var find func(gdpr.Term) gdpr.Term
	find = func(x gdpr.Term) gdpr.Term {
		p, ok := parent[x]
		if !ok || p == x {
			parent[x] = x
			return x
		}
		r := find(p)
		parent[x] = r
		return r
	}
	type person struct {
		p     memadapter.Person
		first gdpr.Term
	}
	var people []person
	for _, name := range []string{demo.Directory, demo.CRM, demo.Dialer} {
		b, err := fs.ReadFile(demo.Data(), name+".json")
		if err != nil {
			t.Fatal(err)
		}
		var ds memadapter.Dataset
		if err := json.Unmarshal(b, &ds); err != nil {
			t.Fatal(err)
		}
		for _, p := range ds.People {
			var terms []gdpr.Term
			for _, t := range (gdpr.Subject{UserID: p.UserID, ExternalContactID: p.ExternalContactID,
				DialerContactID: p.DialerContactID, JourneyCustomer: p.JourneyCustomer, ExternalID: p.ExternalID,
				EmailAddresses: p.Emails, PhoneNumbers: p.Phones}).Terms() {
				terms = append(terms, t)
			}
			for _, h := range p.SocialHandles {
				terms = append(terms, gdpr.Term{Kind: gdpr.Kind(h.Type), Value: h.Value})
			}
			var first gdpr.Term
			for i, term := range terms {
				n, err := norm.Term(term)
				if err != nil {
					t.Fatalf("%s person %s: %v", name, p.Key, err)
				}
				if i == 0 {
					first = n
				}
				parent[find(n)] = find(first)
			}
			people = append(people, person{p, first})
		}
	}
	var out []gdpr.Subject
	taken := map[gdpr.Term]bool{}
	for _, x := range people {
		if r := find(x.first); taken[r] {
			continue
		} else {
			taken[r] = true
		}
		p := x.p
		switch {
		case len(out)%4 == 3:
			out = append(out, gdpr.Subject{UserID: p.UserID, ExternalContactID: p.ExternalContactID, DialerContactID: p.DialerContactID})
		case len(p.Emails) > 0:
			out = append(out, gdpr.Subject{EmailAddresses: p.Emails[:1]})
		default:
			out = append(out, gdpr.Subject{PhoneNumbers: p.Phones[:1]})
		}
	}
	return out
}

// leftovers counts the records that the terms of r's subject still find
// in the adapters and that the policy does not retain. Names and
// addresses are left out: an erasure acts on them only through the
// subject's own records, and namesakes keep theirs.
func leftovers(t *testing.T, r *gdpr.Request, adapters []*memadapter.Adapter, policy processor.RetentionPolicy) int {
	t.Helper()
	ctx := context.Background()
	var norm adapter.Normalizer
	left := 0
	for _, term := range r.Subject.Terms() {
		if term.Kind.Shared() {
			continue
		}
		n, err := norm.Term(term)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range adapters {
			err := a.Export(ctx, adapter.Op{RequestID: "check"}, []gdpr.Term{n}, func(rec adapter.Record) error {
				_, keep, err := policy.Retain(ctx, a.Name(), rec)
				if !keep {
					left++
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	return left
}

// Two hundred erasures run over data stores that fail Erase at random:
// before erasing, part-way, after erasing but before answering, or by
// answering success and erasing nothing. A step has three attempts. Every
// request ends COMPLETED with nothing left that the policy does not
// retain, or in ERROR with its failed steps naming the data store and its
// error; each step's counts are what the store last answered, never more
// than it erased. Retried without faults, every ERROR completes, and the
// audit chain verifies.
func TestEraseFaultsNeverCompleteWithDataLeft(t *testing.T) {
	t.Parallel()
	const seed, requests, attempts = 17, 200, 3
	ctx := context.Background()
	subjects := eraseSubjects(t)
	if len(subjects) < requests {
		t.Fatalf("the demo data has %d separate people, want %d", len(subjects), requests)
	}
	subjects = subjects[:requests]
	mems, err := demo.Adapters()
	if err != nil {
		t.Fatal(err)
	}
	index := map[string]int{}
	e := &env{store: memstore.New(), clock: newClock(), adapters: map[string]adapter.Adapter{}}
	faulty := map[string]*eraseFaults{}
	var as []adapter.Adapter
	for i, m := range mems {
		f := &eraseFaults{Adapter: m, seed: seed, n: uint64(i), index: func(id string) int { return index[id] }}
		f.on.Store(true)
		faulty[m.Name()] = f
		e.adapters[m.Name()] = f
		as = append(as, f)
	}
	policy := processor.CurrentEmployees{}
	e.p, err = processor.New(e.store, as, processor.WithPolicy(policy),
		processor.WithClock(e.clock.Now), processor.WithRetry(gdpr.RetryPolicy{Attempts: attempts, MinWait: time.Second, MaxWait: 2 * time.Second}))
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, requests)
	for i, s := range subjects {
		ids[i] = e.create(t, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true, Subject: s}).ID
		index[ids[i]] = i
	}

	undercounted := 0
	// checkSteps checks that every DONE step holds what its data store
	// answered last, and counts no record the store did not erase.
	checkSteps := func(r *gdpr.Request) {
		for _, s := range r.Steps {
			if s.State != gdpr.StepDone {
				continue
			}
			seen := faulty[s.Adapter].get(r.ID)
			o := *s.Outcome
			erased := o.Deleted + o.Anonymized
			switch {
			case !cmp.Equal(o, seen.reported, cmpopts.EquateEmpty()):
				t.Errorf("seed %d: request %s step %s: outcome %+v, the store answered %+v", seed, r.ID, s.Adapter, o, seen.reported)
			case s.Records != erased+o.RetainedCount():
				t.Errorf("seed %d: request %s step %s: %d records, outcome %+v", seed, r.ID, s.Adapter, s.Records, o)
			case seen.lied:
				// Only a store with nothing left to erase gets away with it.
			case erased > seen.erased:
				t.Errorf("seed %d: request %s step %s: counts %d erased, the store erased %d", seed, r.ID, s.Adapter, erased, seen.erased)
			case erased < seen.erased && !seen.cut:
				t.Errorf("seed %d: request %s step %s: counts %d erased, the store erased %d without a failure between", seed, r.ID, s.Adapter, erased, seen.erased)
			case erased < seen.erased:
				undercounted++
			}
		}
	}
	checkCompleted := func(r *gdpr.Request) {
		if r.Verification == nil || !r.Verification.Passed {
			t.Errorf("seed %d: request %s COMPLETED with verification %+v", seed, r.ID, r.Verification)
		}
		if n := leftovers(t, r, mems, policy); n > 0 {
			t.Errorf("seed %d: request %s COMPLETED with %d records left that no policy retains", seed, r.ID, n)
		}
		checkSteps(r)
	}

	var errored []string
	for _, id := range ids {
		r := e.settle(t, id)
		switch r.Status {
		case gdpr.StatusCompleted:
			checkCompleted(r)
			continue
		case gdpr.StatusError:
			errored = append(errored, id)
		default:
			t.Fatalf("seed %d: request %s ended %s", seed, id, r.Status)
		}
		checkSteps(r)
		var spent []string
		for _, s := range r.Steps {
			if s.State != gdpr.StepFailed {
				continue
			}
			seen := faulty[s.Adapter].get(r.ID)
			want := seen.lastErr
			if seen.lied {
				want = "erasure verification found"
			}
			if want == "" || !strings.Contains(s.Error, want) {
				t.Errorf("seed %d: request %s step %s FAILED with %q; want the store's last error %q", seed, id, s.Adapter, s.Error, want)
			}
			if s.Attempts == attempts {
				spent = append(spent, s.Adapter)
			}
		}
		if len(spent) == 0 {
			t.Errorf("seed %d: request %s in ERROR with no step that spent its %d attempts: %+v", seed, id, attempts, r.Steps)
			continue
		}
		evs, err := e.p.Audit(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if last := evs[len(evs)-1]; last.Status != gdpr.StatusError || !strings.Contains(last.Detail, strings.Join(spent, ", ")) {
			t.Errorf("seed %d: request %s: last audit event %s %q, want ERROR naming %v", seed, id, last.Status, last.Detail, spent)
		}
	}
	var faults [eraseFaultKinds]int
	calls := 0
	for _, f := range faulty {
		f.mu.Lock()
		for k, n := range f.count {
			faults[k] += n
		}
		for _, n := range f.calls {
			calls += n
		}
		f.mu.Unlock()
	}
	var parts []string
	for k, n := range faults {
		parts = append(parts, fmt.Sprintf("%d %s", n, eraseFaultNames[k]))
	}
	t.Logf("seed %d: %d erasures, %d Erase calls; faults: %s; %d COMPLETED, %d ERROR; %d steps count fewer records than were erased",
		seed, requests, calls, strings.Join(parts, ", "), requests-len(errored), len(errored), undercounted)
	if len(errored) == 0 || len(errored) == requests {
		t.Errorf("seed %d: %d of %d requests in ERROR; the faults should leave some in ERROR and some not", seed, len(errored), requests)
	}

	// The faults end; every request in ERROR is retried and completes.
	for _, f := range faulty {
		f.on.Store(false)
	}
	for _, id := range errored {
		if _, err := e.p.Retry(ctx, id); err != nil {
			t.Fatalf("retry %s: %v", id, err)
		}
	}
	for _, id := range errored {
		r := e.settle(t, id)
		if r.Status != gdpr.StatusCompleted {
			t.Errorf("seed %d: request %s retried without faults ended %s: %+v", seed, id, r.Status, r.Steps)
			continue
		}
		checkCompleted(r)
	}
	if n, err := e.p.VerifyAudit(ctx); err != nil || n == 0 {
		t.Errorf("audit chain: %d events, %v", n, err)
	}
}
