package httpadapter_test

import (
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/httpadapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/internal/testkit"
)

const testSecret = "a-shared-secret-for-tests"

// serve starts a service that serves a over the protocol, and returns
// its base URL.
func serve(t testing.TB, a adapter.Adapter, opts ...httpadapter.HandlerOption) string {
	t.Helper()
	h, err := httpadapter.Handler(a, testSecret, opts...)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/gdpr/", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + "/gdpr"
}

// memory returns a memadapter named name holding ds.
func memory(t testing.TB, name string, ds memadapter.Dataset, opts ...memadapter.Option) *memadapter.Adapter {
	t.Helper()
	return testkit.Memory(t, name, ds, opts...)
}

// remote returns an Adapter calling a service that holds ds.
func remote(t testing.TB, ds memadapter.Dataset, opts ...httpadapter.Option) *httpadapter.Adapter {
	t.Helper()
	if testkit.Tenanted(ds) {
		opts = append(opts[:len(opts):len(opts)], httpadapter.WithTenantScope())
	}
	a, err := httpadapter.New("remote", serve(t, memory(t, "remote", ds)), testSecret, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// lossy is a transport that loses a share of calls, chosen by a seeded
// generator: half of them before they are sent, half after the service
// handled them (the answer is read and thrown away, as when a connection
// breaks on the way back).
type lossy struct {
	base  http.RoundTripper
	share float64

	mu  sync.Mutex
	rng *rand.Rand

	before, after atomic.Int64
}

func newLossy(seed uint64, share float64) *lossy {
	return &lossy{base: http.DefaultTransport, share: share, rng: rand.New(rand.NewPCG(seed, 0))}
}

func (l *lossy) RoundTrip(req *http.Request) (*http.Response, error) {
	l.mu.Lock()
	x := l.rng.Float64()
	l.mu.Unlock()
	switch {
	case x < l.share/2:
		if req.Body != nil {
			req.Body.Close()
		}
		l.before.Add(1)
		return nil, errors.New("connection refused (call lost before it was sent)")
	case x < l.share:
		resp, err := l.base.RoundTrip(req)
		if err != nil {
			return nil, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		l.after.Add(1)
		return nil, errors.New("connection reset by peer (answer lost after the service handled the call)")
	}
	return l.base.RoundTrip(req)
}
