package main

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr/adapter/httpadapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/adapter/sqladapter"
)

const billingData = `{
  "people": [{"key": "b1", "kind": "externalContact", "externalContactId": "acct-1",
              "name": "Robin Vale", "emails": ["Robin@Example.com"]}],
  "records": [{"id": "inv-1", "kind": "invoice", "person": "b1", "fields": {"total": 12.5}}]
}`

// remoteService starts a service holding billingData behind the remote
// adapter protocol, and returns its data store and base URL.
func remoteService(t *testing.T, secret string) (*memadapter.Adapter, string) {
	t.Helper()
	m, err := memadapter.New("billing")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.LoadJSON(strings.NewReader(billingData)); err != nil {
		t.Fatal(err)
	}
	h, err := httpadapter.Handler(m, secret)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/gdpr/", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return m, srv.URL + "/gdpr"
}

// TestServeRemoteAdapter serves a remote service listed in the --adapters
// file and erases a subject's data there.
func TestServeRemoteAdapter(t *testing.T) {
	const secret = "billing-shared-secret-for-tests"
	m, url := remoteService(t, secret)
	t.Setenv("TEST_BILLING_SECRET", secret)
	config := filepath.Join(t.TempDir(), "adapters.yaml")
	os.WriteFile(config, []byte("remote:\n  - name: billing\n    url: "+url+"\n    secretEnv: TEST_BILLING_SECRET\n    timeout: 10s\n"), 0o600)

	clients := writeClients(t, "ops", "a-long-test-secret")
	addr, stop := runServe(t, &serveConfig{addr: "127.0.0.1:0", clients: clients, sqlAdapters: config, store: "memory", workers: 2, logLevel: "error"})
	defer stop()
	t.Setenv("GDPR_API_URL", "http://"+addr)
	t.Setenv("GDPR_CLIENT_ID", "ops")
	t.Setenv("GDPR_CLIENT_SECRET", "a-long-test-secret")

	code, out, errOut := gdprCmd(t, "subjects", "--type", "EMAIL", "robin@example.com")
	if code != 0 || !strings.Contains(out, "1 subject") {
		t.Fatalf("subjects through the remote service: %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = gdprCmd(t, "request", "create", "--json", "--wait", "--type", "GDPR_DELETE", "--delete-confirmed", "--term", "EMAIL=robin@example.com")
	if code != 0 || !strings.Contains(out, `"deleted": 2`) || !strings.Contains(out, `"adapter": "billing"`) {
		t.Fatalf("erase through the remote service: %d\n%s%s", code, out, errOut)
	}
	if m.Len() != 0 {
		t.Errorf("the remote service still holds %d people", m.Len())
	}
}

// TestAdaptersFileRemoteErrors: a remote entry without its secret, or with
// a bad URL, stops serve with a message naming the entry and holding no
// secret.
func TestAdaptersFileRemoteErrors(t *testing.T) {
	t.Setenv("TEST_REMOTE_SECRET", "remote-shared-secret-for-tests")
	cases := []struct{ yaml, want string }{
		{"remote:\n  - name: billing\n    url: https://billing.internal/gdpr\n", "secretEnv or secretFile is required"},
		{"remote:\n  - name: billing\n    url: https://billing.internal/gdpr\n    secretEnv: TEST_REMOTE_UNSET\n", "TEST_REMOTE_UNSET is empty"},
		{"remote:\n  - name: billing\n    url: billing.internal\n    secretEnv: TEST_REMOTE_SECRET\n", "absolute http or https URL"},
		{"remote:\n  - name: billing\n    url: https://billing.internal/gdpr\n    secret: inline\n", "field secret not found"},
		{"remote:\n  - name: billing\n    url: https://billing.internal/gdpr\n    secretEnv: TEST_REMOTE_SECRET\n    retries: -1\n", `remote adapter 0 ("billing"): retries is -1; give 0 (never retry) or more`},
	}
	for _, c := range cases {
		path := filepath.Join(t.TempDir(), "adapters.yaml")
		os.WriteFile(path, []byte(c.yaml), 0o600)
		_, _, err := loadAdaptersFile(t.Context(), path, slog.New(slog.DiscardHandler))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one containing %q", c.yaml, err, c.want)
			continue
		}
		if strings.Contains(err.Error(), "remote-shared-secret-for-tests") {
			t.Errorf("error %q holds the secret", err)
		}
	}
}

// TestAdaptersFileRetries: retries counts tries after the first, so 0
// (never retry) is valid.
func TestAdaptersFileRetries(t *testing.T) {
	t.Setenv("TEST_REMOTE_SECRET", "remote-shared-secret-for-tests")
	for _, n := range []string{"0", "1", "5"} {
		path := filepath.Join(t.TempDir(), "adapters.yaml")
		os.WriteFile(path, []byte("remote:\n  - name: billing\n    url: https://billing.internal/gdpr\n    secretEnv: TEST_REMOTE_SECRET\n    retries: "+n+"\n"), 0o600)
		as, closer, err := loadAdaptersFile(t.Context(), path, slog.New(slog.DiscardHandler))
		if err != nil || len(as) != 1 {
			t.Errorf("retries: %s: %d adapters, %v; want 1 and no error", n, len(as), err)
			continue
		}
		closer.Close()
	}
}

// TestScanSkipsRemote: gdpr scan reads the same file and scans its SQL
// databases only.
func TestScanSkipsRemote(t *testing.T) {
	path := filepath.Join(t.TempDir(), "adapters.yaml")
	os.WriteFile(path, []byte("remote:\n  - name: billing\n    url: https://billing.internal/gdpr\n    secretEnv: BILLING_SECRET\n"), 0o600)
	reps, err := sqladapter.ScanConfig(t.Context(), path, sqladapter.ScanOptions{})
	if err != nil || len(reps) != 0 {
		t.Fatalf("ScanConfig of a file with remote adapters only: %d reports, %v; want none and no error", len(reps), err)
	}
}
