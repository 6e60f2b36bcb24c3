package gdpr_test

import (
	"archive/zip"
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/server"
	"github.com/gdprkit/gdpr/store/memstore"
)

// The faults injected into the client's traffic: by the test transport
// under the client (the first three) and by the test server in front of
// the real one (the rest).
const (
	faultDrop        = iota // the connection fails before the request is sent
	faultLost               // the server answers, the response is lost
	faultDelay              // the request is held back a few milliseconds
	faultHangUp             // the server hangs up before handling the request
	faultHangUpAfter        // the server handles the request, then hangs up
	fault500
	fault503
	fault429      // with Retry-After
	faultTruncate // Content-Length sent, the body cut short
	faultKinds
)

var faultNames = [faultKinds]string{"dropped before sending", "response lost", "delayed",
	"hung up before handling", "hung up after handling", "500", "503", "429", "body truncated"}

// faults decides, with a fixed seed, which attempts fail and how, and
// counts them. The seed fixes the sequence of faults; which attempt meets
// which depends on how the goroutines are scheduled. Within a layer every
// fault has the same chance; the token route is spared.
type faults struct {
	base  *http.Transport
	seed  uint64
	rate  float64 // chance that an attempt meets a fault, of each layer
	mu    sync.Mutex
	rng   *rand.Rand
	count [faultKinds]atomic.Int64
	seen  atomic.Int64 // attempts that reached the transport
}

func newFaults(seed uint64, rate float64) *faults {
	base := http.DefaultTransport.(*http.Transport).Clone()
	return &faults{base: base, seed: seed, rate: rate, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// pick returns one of kinds, or -1 for no fault, and a number in [0, 1)
// for the fault to use as it likes.
func (f *faults) pick(kinds ...int) (int, float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, x := f.rng.Float64(), f.rng.Float64()
	if p >= f.rate {
		return -1, x
	}
	k := kinds[int(p/f.rate*float64(len(kinds)))]
	f.count[k].Add(1)
	return k, x
}

func (f *faults) String() string {
	var parts []string
	for k := range faultKinds {
		parts = append(parts, fmt.Sprintf("%d %s", f.count[k].Load(), faultNames[k]))
	}
	return fmt.Sprintf("seed %d; %d attempts; faults: %s", f.seed, f.seen.Load(), strings.Join(parts, ", "))
}

func spared(r *http.Request) bool { return r.URL.Path == "/oauth/token" }

// RoundTrip is the test transport under the client.
func (f *faults) RoundTrip(r *http.Request) (*http.Response, error) {
	if spared(r) {
		return f.base.RoundTrip(r)
	}
	f.seen.Add(1)
	k, x := f.pick(faultDrop, faultLost, faultDelay)
	switch k {
	case faultDrop:
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, errors.New("connection reset by peer (injected)")
	case faultDelay:
		t := time.NewTimer(time.Duration(1+x*4) * time.Millisecond)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
		}
	}
	resp, err := f.base.RoundTrip(r)
	if err == nil && k == faultLost {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return nil, errors.New("connection reset by peer after the request was sent (injected)")
	}
	return resp, err
}

// hangUp closes the connection of w, after what was flushed.
func hangUp(t *testing.T, w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	conn.Close()
}

// server is the test server in front of next.
func (f *faults) server(t *testing.T, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if spared(r) {
			next.ServeHTTP(w, r)
			return
		}
		k, x := f.pick(faultHangUp, faultHangUpAfter, fault500, fault503, fault429, faultTruncate)
		switch k {
		case faultHangUp:
			hangUp(t, w)
			return
		case fault500, fault503, fault429:
			status, code := http.StatusServiceUnavailable, "service.unavailable"
			switch k {
			case fault500:
				status = http.StatusInternalServerError
			case fault429:
				status, code = http.StatusTooManyRequests, "too.many.requests.retry.after"
				w.Header().Set("Retry-After", "1")
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			json.NewEncoder(w).Encode(gdpr.NewError(status, code, "injected fault").Body)
			return
		case faultHangUpAfter, faultTruncate:
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			body := rec.Body.Bytes()
			if k == faultHangUpAfter {
				hangUp(t, w)
				return
			}
			for name, v := range rec.Header() {
				w.Header()[name] = v
			}
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(rec.Code)
			w.Write(body[:int(x*float64(len(body)))])
			if err := http.NewResponseController(w).Flush(); err != nil {
				t.Error(err)
			}
			hangUp(t, w)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// faultEnv is a gdprkit server over an engine with workers running, behind
// the test server, and a client whose transport is the test transport.
type faultEnv struct {
	p      *processor.Processor
	client *gdpr.Client
	faults *faults
}

// newFaultEnv serves people generated people, each held by both data
// stores ("crm" anonymizes, "dialer" deletes), to a client of faults.
func newFaultEnv(t *testing.T, seed uint64, people int) *faultEnv {
	t.Helper()
	crm := testkit.Memory(t, "crm", demo.Generated("crm", 0, people), memadapter.WithAnonymize())
	dialer := testkit.Memory(t, "dialer", demo.Generated("dialer", 0, people))
	p, err := processor.New(memstore.New(), []adapter.Adapter{crm, dialer}, processor.WithStorePoll(5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, p)

	const id, secret = "faults", "faults-secret-not-for-production"
	hash, err := server.HashSecretCost(secret, 1000)
	if err != nil {
		t.Fatal(err)
	}
	clients, err := server.NewClients(server.Client{ID: id, SecretHash: hash, Scope: server.ScopeAll})
	if err != nil {
		t.Fatal(err)
	}
	s, err := server.New(p, clients, server.WithRate(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	f := newFaults(seed, 0.12)
	srv := httptest.NewServer(f.server(t, s))
	t.Cleanup(srv.Close)
	t.Cleanup(f.base.CloseIdleConnections)
	c, err := gdpr.New(gdpr.WithBaseURL(srv.URL), gdpr.WithClientCredentials(id, secret), gdpr.WithTransport(f),
		gdpr.WithRetry(gdpr.RetryPolicy{Attempts: 16, MinWait: 100 * time.Microsecond, MaxWait: 2 * time.Millisecond, MaxRetryAfter: 2 * time.Millisecond}),
		gdpr.WithPolling(time.Millisecond, 5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return &faultEnv{p: p, client: c, faults: f}
}

// ops runs and counts the operations of a test, each named by its kind.
type ops struct {
	t      *testing.T
	faults *faults
	mu     sync.Mutex
	done   map[string]int
	failed map[string]int
}

// run runs one operation; an error fails the test.
func (o *ops) run(kind string, k int, f func() error) bool {
	err := f()
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.done == nil {
		o.done, o.failed = map[string]int{}, map[string]int{}
	}
	o.done[kind]++
	if err != nil {
		o.failed[kind]++
		o.t.Errorf("person %d: %s: %v (%s)", k, kind, err, o.faults)
		return false
	}
	return true
}

func (o *ops) total() (n int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, c := range o.done {
		n += c
	}
	return n
}

// wantSubjects checks that a search found n subjects.
func wantSubjects(ss []gdpr.Subject, n int) error {
	if len(ss) != n {
		return fmt.Errorf("found %d subjects, want %d", len(ss), n)
	}
	return nil
}

// wantCompleted checks that r is COMPLETED and that each data store's step
// is DONE with the outcome want gives for it.
func wantCompleted(r *gdpr.Request, want func(adapter string) gdpr.Outcome) error {
	if r.Status != gdpr.StatusCompleted {
		return fmt.Errorf("request %s is %s, want COMPLETED", r.ID, r.Status)
	}
	if len(r.Steps) != 2 {
		return fmt.Errorf("request %s has %d steps, want 2", r.ID, len(r.Steps))
	}
	for _, s := range r.Steps {
		w := want(s.Adapter)
		if s.State != gdpr.StepDone || s.Outcome == nil {
			return fmt.Errorf("request %s: step %s is %s (%q), want DONE", r.ID, s.Adapter, s.State, s.Error)
		}
		if got := *s.Outcome; got.Exported != w.Exported || got.Updated != w.Updated ||
			got.Deleted != w.Deleted || got.Anonymized != w.Anonymized || len(got.Retained) != 0 {
			return fmt.Errorf("request %s: step %s outcome %+v, want %+v", r.ID, s.Adapter, got, w)
		}
	}
	return nil
}

// wantArchive checks that data is a valid zip of an export of request id:
// manifest.json and one file per data store, each with records records.
func wantArchive(data []byte, id string, records int) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("archive of %d bytes: %w", len(data), err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return err
		}
		b, err := io.ReadAll(rc) // checks the CRC
		rc.Close()
		if err != nil {
			return fmt.Errorf("archive file %s: %w", f.Name, err)
		}
		files[f.Name] = b
	}
	var m processor.Manifest
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	if m.RequestID != id || len(m.Adapters) != 2 || m.Records != 2*records {
		return fmt.Errorf("manifest %+v, want request %s, 2 data stores, %d records", m, id, 2*records)
	}
	for _, a := range m.Adapters {
		var recs []adapter.Record
		if err := json.Unmarshal(files[a.File], &recs); err != nil {
			return fmt.Errorf("archive file %s: %w", a.File, err)
		}
		if len(recs) != records || a.Records != records {
			return fmt.Errorf("archive file %s: %d records, manifest says %d, want %d", a.File, len(recs), a.Records, records)
		}
	}
	return nil
}

// A client of a real server completes over 1,000 mixed operations
// (searches; exports, updates and erasures created, read, listed, waited
// for and downloaded) while about a fifth of its attempts fail: a
// connection dropped before or after the server handled the request, a
// 500, 503 or 429, or a body cut short after its headers; others are
// delayed. Every operation succeeds; a download cut short fails with
// io.ErrUnexpectedEOF and is done again. The server holds exactly one
// request per spec created, each COMPLETED with the outcome the data
// gives, and every archive is whole.
func TestFaultsMixedOperations(t *testing.T) {
	t.Parallel()
	const seed, people, workers = 9, 159, 8
	e := newFaultEnv(t, seed, people)
	c, ctx := e.client, context.Background()
	o := &ops{t: t, faults: e.faults}
	ids := make([]string, people)
	var cutDownloads atomic.Int64

	// Person k is exported, updated or erased, by k modulo 3; each of
	// them has a person and a chat transcript in each data store.
	scenario := func(k int) {
		email := demo.GeneratedEmail(k)
		var subjects []gdpr.Subject
		if !o.run("SearchSubjects", k, func() (err error) {
			subjects, err = c.SearchSubjects(ctx, gdpr.KindEmail, email)
			if err != nil {
				return err
			}
			return wantSubjects(subjects, 2)
		}) {
			return
		}
		phone := subjects[0].PhoneNumbers[0]
		updated := fmt.Sprintf("updated.%d@example.com", k)
		spec := gdpr.RequestSpec{Subject: gdpr.Subject{EmailAddresses: []string{email}}, IdempotencyKey: crand.Text()}
		want := func(string) gdpr.Outcome { return gdpr.Outcome{Exported: 2} }
		switch k % 3 {
		case 0:
			spec.Type = gdpr.RequestExport
		case 1:
			spec.Type = gdpr.RequestUpdate
			spec.ReplacementTerms = []gdpr.ReplacementTerm{{Type: gdpr.KindEmail, ExistingValue: email, UpdatedValue: updated}}
			want = func(string) gdpr.Outcome { return gdpr.Outcome{Updated: 1} }
		case 2:
			spec.Type, spec.DeleteConfirmed = gdpr.RequestDelete, true
			want = func(a string) gdpr.Outcome {
				if a == "crm" {
					return gdpr.Outcome{Anonymized: 2}
				}
				return gdpr.Outcome{Deleted: 2}
			}
		}
		if !o.run("CreateRequest", k, func() error {
			r, err := c.CreateRequest(ctx, spec)
			if err != nil {
				return err
			}
			ids[k] = r.ID
			return nil
		}) {
			return
		}
		var done *gdpr.Request
		if !o.run("Wait", k, func() (err error) {
			done, err = c.Wait(ctx, ids[k], nil)
			if err != nil {
				return err
			}
			return wantCompleted(done, want)
		}) {
			return
		}
		switch spec.Type {
		case gdpr.RequestExport:
			o.run("CreateRequest again", k, func() error {
				r, err := c.CreateRequest(ctx, spec)
				if err == nil && r.ID != ids[k] {
					err = fmt.Errorf("the same key and spec gave request %s, then %s", ids[k], r.ID)
				}
				return err
			})
			o.run("GetRequest", k, func() error {
				r, err := c.GetRequest(ctx, ids[k])
				if err != nil {
					return err
				}
				if r.ResultsURL == "" {
					return fmt.Errorf("request %s has no resultsUrl", r.ID)
				}
				return wantCompleted(r, want)
			})
			o.run("DownloadResults", k, func() error {
				var buf bytes.Buffer
				for try := 1; ; try++ {
					buf.Reset()
					_, err := c.DownloadResults(ctx, done, &buf)
					if err == nil {
						return wantArchive(buf.Bytes(), ids[k], 2)
					}
					// A body cut short is detected; the bytes written
					// cannot be taken back, so the caller downloads again.
					if !errors.Is(err, io.ErrUnexpectedEOF) || try == 10 {
						return err
					}
					cutDownloads.Add(1)
				}
			})
		case gdpr.RequestUpdate:
			o.run("SearchSubjects", k, func() error {
				ss, err := c.SearchSubjects(ctx, gdpr.KindEmail, updated)
				if err != nil {
					return err
				}
				return wantSubjects(ss, 2)
			})
			o.run("SearchSubjects", k, func() error {
				ss, err := c.SearchSubjects(ctx, gdpr.KindEmail, email)
				if err != nil {
					return err
				}
				return wantSubjects(ss, 0)
			})
		case gdpr.RequestDelete:
			if done.Verification == nil || !done.Verification.Passed {
				t.Errorf("person %d: erasure %s verification %+v, want passed", k, done.ID, done.Verification)
			}
			for _, q := range []struct {
				t gdpr.Kind
				v string
			}{{gdpr.KindEmail, email}, {gdpr.KindPhone, phone}} {
				o.run("SearchSubjects", k, func() error {
					ss, err := c.SearchSubjects(ctx, q.t, q.v)
					if err != nil {
						return err
					}
					return wantSubjects(ss, 0)
				})
			}
		}
		o.run("ListRequests", k, func() error {
			l, err := c.ListRequests(ctx, gdpr.ListOptions{PageSize: 10, PageNumber: 1 + k%3})
			if err != nil {
				return err
			}
			if len(l.Entities) > 10 || l.Total < 1 {
				return fmt.Errorf("page of %d requests of %d, want at most 10 of at least 1", len(l.Entities), l.Total)
			}
			for _, r := range l.Entities {
				if r.ID == "" || r.Status.Validate() != nil {
					return fmt.Errorf("listed request %+v", r)
				}
			}
			return nil
		})
	}

	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for k := int(next.Add(1) - 1); k < people; k = int(next.Add(1) - 1) {
				scenario(k)
			}
		})
	}
	wg.Wait()

	// Every request listed once, through the faults and on the engine.
	listed := map[string]int{}
	o.run("Requests", -1, func() error {
		for r, err := range c.Requests(ctx, 50) {
			if err != nil {
				return err
			}
			listed[r.ID]++
			if r.Status != gdpr.StatusCompleted {
				return fmt.Errorf("request %s is %s", r.ID, r.Status)
			}
		}
		return nil
	})
	for k, id := range ids {
		if id != "" && listed[id] != 1 {
			t.Errorf("person %d: request %s listed %d times, want once", k, id, listed[id])
		}
	}
	if n := totalRequests(t, e.p); n != people || len(listed) != people {
		t.Errorf("the server holds %d requests and lists %d; want one per spec, %d (%s)", n, len(listed), people, e.faults)
	}
	t.Logf("%d operations %v; %d downloads cut short and done again; %s", o.total(), o.done, cutDownloads.Load(), e.faults)
	if o.total() < 1000 {
		t.Errorf("%d operations, want 1,000 or more", o.total())
	}
}

// A successful response whose body is cut short after its headers is
// tried again; when every attempt is cut short, the call fails with an
// error matching io.ErrUnexpectedEOF and returns no value.
func TestFaultsTruncatedBodyIsRetriedThenFails(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	const body = `{"entities":[{"name":"Ann Example","userId":"u-1"}],"total":1}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, body[:len(body)/2])
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Error(err)
		}
		hangUp(t, w)
	}))
	defer srv.Close()
	c, err := gdpr.New(gdpr.WithBaseURL(srv.URL), gdpr.WithToken("test-token"), gdpr.WithRetry(gdpr.RetryPolicy{Attempts: 3, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseIdleConnections()
	ss, err := c.SearchSubjects(context.Background(), gdpr.KindName, "Ann Example")
	if ss != nil || !errors.Is(err, io.ErrUnexpectedEOF) || calls.Load() != 3 {
		t.Errorf("got %v, %v after %d attempts; want no subjects, an error matching io.ErrUnexpectedEOF, 3 attempts", ss, err, calls.Load())
	}
}

// totalRequests is how many requests svc holds.
func totalRequests(t *testing.T, svc gdpr.Service) int64 {
	t.Helper()
	l, err := svc.ListRequests(context.Background(), gdpr.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return l.Total
}
