package apiadapter_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/apiadapter"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/internal/testkit"
)

// The cassette tests replay, offline, the adapter's traffic with a gdpr
// serve in the hosted API's shapes, recorded afresh with
// GDPR_RECORD_CASSETTES=1 (as internal/contract's are).

// cassetteAPI returns the adapter over a client whose traffic goes through
// a go-vcr recorder: recorded against the remote live starts when
// recording, replayed from testdata/cassettes/NAME.yaml otherwise.
func cassetteAPI(t *testing.T, name string, live func(t *testing.T) *remote, opts ...apiadapter.Option) *apiadapter.Adapter {
	t.Helper()
	rec := testkit.Cassette(t, name, func() string { return live(t).srv.Listener.Addr().String() })
	c, err := gdpr.New(gdpr.WithBaseURL(testkit.CassetteHost), gdpr.WithClientCredentials(clientID, clientSecret), gdpr.WithTransport(rec))
	if err != nil {
		t.Fatal(err)
	}
	return newAPI(t, c, opts...)
}

// TestCassetteOperations searches, exports, rectifies and erases through
// the adapter, on the cassette.
func TestCassetteOperations(t *testing.T) {
	a := cassetteAPI(t, "operations", func(t *testing.T) *remote { return newRemote(t, 3, nil).start(t) })
	ctx := context.Background()
	email := gdpr.Term{Kind: gdpr.KindEmail, Value: demo.GeneratedEmail(1)}

	ss, err := a.Search(ctx, email)
	if err != nil || len(ss) != 1 || ss[0].ExternalContactID != "g-contact-1" {
		t.Fatalf("Search = %+v, %v; want g-contact-1", ss, err)
	}
	var recs []adapter.Record
	err = a.Export(ctx, adapter.Op{RequestID: "cassette", ID: "cassette/export"}, []gdpr.Term{email},
		func(r adapter.Record) error { recs = append(recs, r); return nil })
	if err != nil || len(recs) != 2 {
		t.Fatalf("Export: %d records, %v; want the contact and its chat", len(recs), err)
	}
	const newEmail = "cassette.new@example.com"
	out, err := a.Rectify(ctx, adapter.Op{RequestID: "cassette", ID: "cassette/rectify"}, []gdpr.Term{email},
		[]adapter.Change{{Kind: gdpr.KindEmail, Existing: email.Value, Updated: newEmail}})
	if err != nil || out.Updated != 1 {
		t.Fatalf("Rectify = %+v, %v; want 1 updated", out, err)
	}
	moved := gdpr.Term{Kind: gdpr.KindEmail, Value: newEmail}
	out, err = a.Erase(ctx, adapter.Op{RequestID: "cassette", ID: "cassette/erase"}, []gdpr.Term{moved},
		func(context.Context, adapter.Record) (string, bool, error) { return "", false, nil })
	if err != nil || out.Erased != 1 {
		t.Fatalf("Erase = %+v, %v; want 1 erased by the remote", out, err)
	}
	if ss, err := a.Search(ctx, moved); err != nil || len(ss) != 0 {
		t.Errorf("Search after the erasure = %+v, %v; want nothing", ss, err)
	}
}

// TestCassetteParkedRateLimited erases with no inline wait, so that the
// operation returns a WaitError naming the remote request and is called
// again with Op.Waiting until the remote completed (its workers start only
// once the request was looked at); the remote answers the create first
// with a 429, which the client waits out.
func TestCassetteParkedRateLimited(t *testing.T) {
	var posts atomic.Int64
	var startOnce sync.Once
	live := func(t *testing.T) *remote {
		var rem *remote
		rem = newRemote(t, 3, func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				limitFirstCreate(&posts, h).ServeHTTP(w, r)
				if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/v2/gdpr/requests/") {
					startOnce.Do(func() { rem.start(t) })
				}
			})
		})
		return rem
	}
	a := cassetteAPI(t, "parked-ratelimited", live, apiadapter.WithInlineWait(0))
	ctx := context.Background()
	op := adapter.Op{RequestID: "cassette-parked", ID: "cassette-parked/erase"}
	terms := []gdpr.Term{{Kind: gdpr.KindEmail, Value: demo.GeneratedEmail(2)}}
	keep := func(context.Context, adapter.Record) (string, bool, error) { return "", false, nil }
	var out gdpr.Outcome
	var err error
	looks := 0
	for ; ; looks++ {
		out, err = a.Erase(ctx, op, terms, keep)
		var we *adapter.WaitError
		if !errors.As(err, &we) {
			break
		}
		if len(we.On) != 1 || looks > 1000 {
			t.Fatalf("look %d: %v, waiting on %v; want one remote request", looks, err, we.On)
		}
		op.Waiting = we.On
		if testkit.Recording() {
			time.Sleep(5 * time.Millisecond) // the live remote's workers run in real time
		}
	}
	if err != nil || out.Erased != 1 {
		t.Fatalf("Erase = %+v, %v; want 1 erased by the remote", out, err)
	}
	if looks == 0 {
		t.Error("the erasure never waited")
	}
}

// limitFirstCreate answers the first create with a 429.
func limitFirstCreate(posts *atomic.Int64, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/api/v2/gdpr/requests" && posts.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"status":429,"code":"too.many.requests","message":"Rate limit exceeded"}`)
			return
		}
		h.ServeHTTP(w, r)
	})
}
