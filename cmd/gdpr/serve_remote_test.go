package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr/adapter/httpadapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/internal/sqlscan"
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

// TestScanSkipsRemote: gdpr scan reads the same file and scans its SQL
// databases only.
func TestScanSkipsRemote(t *testing.T) {
	path := filepath.Join(t.TempDir(), "adapters.yaml")
	os.WriteFile(path, []byte("remote:\n  - name: billing\n    url: https://billing.internal/gdpr\n    secretEnv: BILLING_SECRET\n"), 0o600)
	reps, err := scanFile(t.Context(), path, sqlscan.Options{})
	if err != nil || len(reps) != 0 {
		t.Fatalf("scan of a file with remote adapters only: %d reports, %v; want none and no error", len(reps), err)
	}
}
