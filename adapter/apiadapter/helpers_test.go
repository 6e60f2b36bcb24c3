package apiadapter_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/apiadapter"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/server"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/memstore"
)

const (
	clientID     = "federation"
	clientSecret = "federation-secret-not-for-production"
)

// remote is a gdpr serve standing in for a hosted GDPR API: a processor
// over n generated people (one external contact each, with a linked chat
// transcript), served on loopback.
type remote struct {
	p     *processor.Processor
	store *memstore.Store
	srv   *httptest.Server
}

// newRemote serves a remote over people 0 to n-1; its workers do not run
// until start. wrap, when set, wraps its handler (to inject faults).
func newRemote(t testing.TB, n int, wrap func(http.Handler) http.Handler, opts ...server.Option) *remote {
	t.Helper()
	return serveRemote(t, testkit.Memory(t, "contacts", demo.Generated("g", 0, n)), wrap, nil, opts...)
}

// serveRemote serves a remote over the data store a, its processor made
// with popts.
func serveRemote(t testing.TB, a adapter.Adapter, wrap func(http.Handler) http.Handler, popts []processor.Option, opts ...server.Option) *remote {
	t.Helper()
	st := memstore.New()
	p, err := processor.New(st, []adapter.Adapter{a},
		append([]processor.Option{processor.WithStorePoll(2 * time.Millisecond), processor.WithWorkers(4)}, popts...)...)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := server.HashSecretCost(clientSecret, 1000)
	if err != nil {
		t.Fatal(err)
	}
	clients, err := server.NewClients(server.Client{ID: clientID, SecretHash: hash, Organization: "remote", Scope: server.ScopeAll})
	if err != nil {
		t.Fatal(err)
	}
	s, err := server.New(p, clients, append([]server.Option{server.WithRate(0, 0)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = s
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &remote{p: p, store: st, srv: srv}
}

// start runs the remote's workers for the rest of the test.
func (r *remote) start(t testing.TB) *remote {
	testkit.Run(t, r.p)
	return r
}

// client returns a client of the remote.
func (r *remote) client(t testing.TB, opts ...gdpr.Option) *gdpr.Client {
	t.Helper()
	c, err := gdpr.New(append([]gdpr.Option{gdpr.WithBaseURL(r.srv.URL), gdpr.WithClientCredentials(clientID, clientSecret)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// requests returns every request the remote holds.
func (r *remote) requests(t testing.TB) []*gdpr.Request {
	t.Helper()
	jobs, _, err := r.store.List(t.Context(), "remote", store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]*gdpr.Request, len(jobs))
	for i, j := range jobs {
		out[i] = &j.Request
	}
	return out
}

// newAPI returns the adapter "genesys" over c.
func newAPI(t testing.TB, c apiadapter.Remote, opts ...apiadapter.Option) *apiadapter.Adapter {
	t.Helper()
	a, err := apiadapter.New("genesys", c, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
