package console

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/internal/testlog"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/internal/testclock"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/server"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/memstore"
)

// Test clients: ops may do everything in acme, auditor may read acme,
// rival may do everything in globex.
const (
	opsID, opsSecret         = "ops", "ops-secret-of-the-test"
	auditorID, auditorSecret = "auditor", "auditor-secret-of-the-test"
	rivalID, rivalSecret     = "rival", "rival-secret-of-the-test"
)

// testClients returns the three test clients, hashed cheaply.
func testClients(t testing.TB) *server.Clients {
	t.Helper()
	var cs []server.Client
	for _, c := range []struct{ id, secret, org, scope string }{
		{opsID, opsSecret, "acme", server.ScopeAll},
		{auditorID, auditorSecret, "acme", server.ScopeReadOnly},
		{rivalID, rivalSecret, "globex", server.ScopeAll},
	} {
		h, err := server.HashSecretCost(c.secret, 1000)
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, server.Client{ID: c.id, SecretHash: h, Organization: c.org, Scope: c.scope})
	}
	clients, err := server.NewClients(cs...)
	if err != nil {
		t.Fatal(err)
	}
	return clients
}

// rig is the GDPR API and the console over the demo data, served by an
// httptest server, with the processor's workers running.
type rig struct {
	proc *processor.Processor
	con  *Console
	srv  *httptest.Server
	logs *testlog.Buffer
}

// newRig starts a rig over the demo data; tls serves it over HTTPS. It
// stops when the test ends.
func newRig(t testing.TB, tls bool, opts ...Option) *rig {
	t.Helper()
	return startRig(t, rigConfig{tls: tls}, opts...)
}

// rigConfig says how to start a rig.
type rigConfig struct {
	tls bool
	// idle leaves the workers stopped: requests stay INITIATED.
	idle bool
	// adapters replace the demo data stores when set.
	adapters []adapter.Adapter
	procOpts []processor.Option
	// guard, when set, is shared by the API's token endpoint and the
	// console's sign-in, as gdpr serve shares one.
	guard *server.Guard
	// proxies are the API's trusted proxies.
	proxies server.Proxies
	// clients replace the test clients when set.
	clients *server.Clients
	// store replaces the processor's memory store when set.
	store store.Store
}

func startRig(t testing.TB, cfg rigConfig, opts ...Option) *rig {
	t.Helper()
	procOpts := append([]processor.Option{processor.WithStorePoll(10 * time.Millisecond)}, cfg.procOpts...)
	var p *processor.Processor
	var err error
	switch {
	case cfg.adapters != nil:
		p, err = processor.New(memstore.New(), cfg.adapters, procOpts...)
	case cfg.store != nil:
		p, err = demoOn(cfg.store, procOpts...)
	default:
		p, err = demo.Processor(procOpts...)
	}
	if err != nil {
		t.Fatal(err)
	}
	logs := &testlog.Buffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	clients := cfg.clients
	if clients == nil {
		clients = testClients(t)
	}
	sopts, copts := []server.Option{server.WithLogger(log), server.WithRate(0, 0), server.WithTrustedProxies(cfg.proxies)}, []Option{WithLogger(log)}
	if cfg.guard != nil {
		sopts, copts = append(sopts, server.WithGuard(cfg.guard)), append(copts, WithGuard(cfg.guard))
	}
	api, err := server.New(p, clients, sopts...)
	if err != nil {
		t.Fatal(err)
	}
	con, err := New(p, clients, append(copts, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	h := Mount(api, con)
	var srv *httptest.Server
	if cfg.tls {
		srv = httptest.NewTLSServer(h)
	} else {
		srv = httptest.NewServer(h)
	}
	if !cfg.idle {
		testkit.Run(t, p)
	}
	t.Cleanup(srv.Close)
	return &rig{proc: p, con: con, srv: srv, logs: logs}
}

// demoOn is demo.Processor over st rather than a memory store.
func demoOn(st store.Store, opts ...processor.Option) (*processor.Processor, error) {
	as, err := demo.ProcessorAdapters()
	if err != nil {
		return nil, err
	}
	return processor.New(st, as, append([]processor.Option{processor.WithPolicy(processor.CurrentEmployees{})}, opts...)...)
}

func newFakeClock() *testclock.Clock {
	return testclock.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
}

// officer is a browser without JavaScript: a cookie jar that does not
// follow redirects, so tests see every response.
type officer struct {
	t    testing.TB
	base string
	http *http.Client
	// forwardedFor, when set, is sent as X-Forwarded-For, as a load
	// balancer in front would.
	forwardedFor string
}

func (rg *rig) officer(t testing.TB) *officer {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := *rg.srv.Client() // a browser of its own: the server's client is shared
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &officer{t: t, base: rg.srv.URL, http: &c}
}

// response is what a request got back.
type response struct {
	status   int
	header   http.Header
	body     string
	location string
}

func (o *officer) do(req *http.Request) response {
	o.t.Helper()
	if o.forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", o.forwardedFor)
	}
	resp, err := o.http.Do(req)
	if err != nil {
		o.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		o.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(b), location: resp.Header.Get("Location")}
}

func (o *officer) get(path string) response {
	o.t.Helper()
	req, err := http.NewRequest(http.MethodGet, o.base+path, nil)
	if err != nil {
		o.t.Fatal(err)
	}
	return o.do(req)
}

func (o *officer) post(path string, form url.Values) response {
	o.t.Helper()
	req, err := http.NewRequest(http.MethodPost, o.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		o.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return o.do(req)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the token of the forms of a page.
func (o *officer) csrf(page response) string {
	o.t.Helper()
	m := csrfField.FindStringSubmatch(page.body)
	if m == nil {
		o.t.Fatalf("no csrf field on the page:\n%s", page.body)
	}
	return m[1]
}

// signIn signs in with the form, and returns the response to the post.
func (o *officer) signIn(id, secret string) response {
	o.t.Helper()
	page := o.get(Path + "signin")
	return o.post(Path+"signin", url.Values{"csrf": {o.csrf(page)}, "client_id": {id}, "client_secret": {secret}})
}

// mustSignIn signs in and fails the test unless it worked; it returns
// the CSRF token of the session.
func (o *officer) mustSignIn(id, secret string) string {
	o.t.Helper()
	if r := o.signIn(id, secret); r.status != http.StatusSeeOther || r.location != Path+"requests" {
		o.t.Fatalf("sign-in as %s: %d %s\n%s", id, r.status, r.location, r.body)
	}
	return o.csrf(o.get(Path + "requests"))
}

// resolve posts the New DSR form with the identifiers and returns the
// draft's path.
func (o *officer) resolve(csrf string, fields url.Values) string {
	o.t.Helper()
	fields.Set("csrf", csrf)
	r := o.post(Path+"dsr/new", fields)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, Path+"dsr/") {
		o.t.Fatalf("resolve: %d %s\n%s", r.status, r.location, r.body)
	}
	return r.location
}

// waitFor polls the processor until the request of org is final.
func waitFor(t testing.TB, p *processor.Processor, org, id string) *gdpr.Request {
	t.Helper()
	ctx := gdpr.ContextWithOrganization(context.Background(), org)
	return testkit.WaitDone(ctx, t, p, id)
}

// requestsOf lists every request of org.
func requestsOf(t testing.TB, p *processor.Processor, org string) []gdpr.Request {
	t.Helper()
	page, err := p.ListRequests(gdpr.ContextWithOrganization(context.Background(), org), gdpr.ListOptions{PageSize: gdpr.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	return page.Entities
}

// checkZip fails unless b is a zip archive holding manifest.json.
func checkZip(t testing.TB, b []byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("the download is not a zip archive (%d bytes): %v", len(b), err)
	}
	for _, f := range zr.File {
		if f.Name == "manifest.json" {
			return
		}
	}
	t.Fatalf("the archive has no manifest.json: %d files", len(zr.File))
}

// requestIDs finds the ids of the requests a page links to.
var requestLink = regexp.MustCompile(`href="/console/requests/([0-9a-f-]{8,})"`)

func requestIDs(page string) []string {
	var ids []string
	seen := map[string]bool{}
	for _, m := range requestLink.FindAllStringSubmatch(page, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			ids = append(ids, m[1])
		}
	}
	return ids
}
