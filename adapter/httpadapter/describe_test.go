package httpadapter_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/httpadapter"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store/memstore"
)

// hidesDescribe is an adapter that does not implement adapter.Describer,
// whatever the adapter it wraps does.
type hidesDescribe struct{ adapter.Adapter }

// TestDescribe: a service over a memadapter describes what it holds, as
// the memadapter does, and the processor's inventory shows it under the
// remote adapter's name.
func TestDescribe(t *testing.T) {
	t.Parallel()
	m := memory(t, "crm", people())
	base := serve(t, m)
	a, err := httpadapter.New("billing", base, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	want, err := m.Describe(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want.Adapter, want.Described = "billing", true

	got, err := a.Describe(t.Context())
	if err != nil {
		t.Fatalf("Describe: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Describe over the protocol (-memadapter +remote):\n%s", diff)
	}

	p, err := processor.New(memstore.New(), []adapter.Adapter{a})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := p.Inventory(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if ai := inv.Adapters[0]; !ai.Described || ai.Adapter != "billing" || len(ai.Records) != len(want.Records) ||
		!slices.Equal(ai.Terms, want.Terms) {
		t.Errorf("the inventory lists the remote adapter as %+v, want what the service holds: %+v", ai, want)
	}

	// Like every route, describe answers only signed calls.
	call := `{"operationId":"op-1"}`
	unsigned, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/describe", strings.NewReader(call))
	if s, code := status(t, unsigned); s != http.StatusUnauthorized || code != "unauthorized" {
		t.Errorf("an unsigned describe: %d %q, want 401 unauthorized", s, code)
	}
	if s, code := status(t, signed(t, base, "describe", testSecret, time.Now(), `{}`)); s != http.StatusBadRequest {
		t.Errorf("a describe without operationId: %d %q, want 400", s, code)
	}
}

// TestDescribeNotDescribed: a service whose adapter does not describe
// itself, or that predates the describe route, is listed as not
// described, and that is not an error. A 404 that is not the protocol's
// (a wrong URL) still is.
func TestDescribeNotDescribed(t *testing.T) {
	t.Parallel()
	hidden := serve(t, hidesDescribe{memory(t, "crm", people())})
	if s, code := status(t, signed(t, hidden, "describe", testSecret, time.Now(), `{"operationId":"op-1"}`)); s != http.StatusNotFound || code != "not_described" {
		t.Errorf("describe over an adapter without Describe: %d %q, want 404 not_described", s, code)
	}

	// A service of before the route answers it as any unknown route.
	h, err := httpadapter.Handler(memory(t, "crm", people()), testSecret)
	if err != nil {
		t.Fatal(err)
	}
	older := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/describe") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"error":{"code":"no_route","message":"no such route: the routes are search, resolve, export, rectify and erase"}}`+"\n")
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(older.Close)

	// A service in another language may answer described=false.
	declines := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"described":false,"terms":[],"records":[]}`+"\n")
	}))
	t.Cleanup(declines.Close)

	for _, c := range []struct{ name, url string }{
		{"adapter without Describe", hidden},
		{"service older than the route", older.URL + "/gdpr"},
		{"service answering described=false", declines.URL},
	} {
		a, err := httpadapter.New("billing", c.url, testSecret)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Describe(t.Context()); !errors.Is(err, adapter.ErrNotDescribed) {
			t.Errorf("%s: Describe: %v, want an error matching adapter.ErrNotDescribed", c.name, err)
		}
		p, err := processor.New(memstore.New(), []adapter.Adapter{a})
		if err != nil {
			t.Fatal(err)
		}
		inv, err := p.Inventory(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if ai := inv.Adapters[0]; ai.Described || !strings.Contains(ai.Note, "not described") || len(ai.Records) != 0 {
			t.Errorf("%s: the processor's inventory lists %+v, want not described, with a note", c.name, ai)
		}
	}

	wrong := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(wrong.Close)
	a, err := httpadapter.New("billing", wrong.URL+"/gdpr", testSecret)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Describe(t.Context()); err == nil || !strings.Contains(err.Error(), "URL") {
		t.Errorf("Describe at a URL without the protocol: %v, want an error pointing at the URL", err)
	}
}
