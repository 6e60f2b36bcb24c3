package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr/server"
	_ "modernc.org/sqlite"
)

// writeClients writes a clients file with one client of scope gdpr.
func writeClients(t *testing.T, id, secret string) string {
	t.Helper()
	h, err := server.HashSecretCost(secret, 1000)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "clients.json")
	body := fmt.Sprintf(`{"clients":[{"id":%q,"secretHash":%q,"organization":"acme","scope":"gdpr"}]}`, id, h)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestServeAnswersAndStopsCleanly(t *testing.T) {
	clients := writeClients(t, "ops", "a-long-test-secret")
	var logs bytes.Buffer
	log, _ := newLogger(&logs, "info")
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	cfg := &serveConfig{addr: "127.0.0.1:0", clients: clients, demoData: true, store: "memory", workers: 2, rate: 100, burst: 100, logLevel: "info"}
	go func() { done <- serve(ctx, cfg, log, ready) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve ended: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start")
	}
	base := "http://" + addr

	req, _ := http.NewRequest("POST", base+"/oauth/token", strings.NewReader("grant_type=client_credentials"))
	req.SetBasicAuth("ops", "a-long-test-secret")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if tok.AccessToken == "" {
		t.Fatalf("no token: %d", resp.StatusCode)
	}
	req, _ = http.NewRequest("GET", base+"/api/v2/gdpr/subjects?searchType=NAME&searchValue=Alex+Morgan", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"total":3`) {
		t.Fatalf("search: %d %s", resp.StatusCode, b)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	if strings.Contains(logs.String(), "Alex") || strings.Contains(logs.String(), "a-long-test-secret") || strings.Contains(logs.String(), tok.AccessToken) {
		t.Fatalf("the log holds personal data or secrets:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "stopping workers") {
		t.Fatalf("no orderly shutdown in the log:\n%s", logs.String())
	}
}

func TestServeRejectsBadConfiguration(t *testing.T) {
	clients := writeClients(t, "ops", "a-long-test-secret")
	cases := []struct {
		args []string
		says string
	}{
		{[]string{"--demo"}, "--clients is required"},
		{[]string{"--clients", clients}, "no data to serve"},
		{[]string{"--clients", clients, "--adapters", filepath.Join(t.TempDir(), "missing.yaml")}, "--adapters"},
		{[]string{"--clients", clients, "--demo", "--store", "mongo"}, `--store "mongo" is not known`},
		{[]string{"--clients", clients, "--demo", "--store", "postgres"}, "--store postgres needs --postgres"},
		{[]string{"--clients", clients, "--demo", "--signing-key", "zz"}, "--signing-key (GDPR_SIGNING_KEY) is not hex"},
		{[]string{"--clients", clients, "--demo", "--log-format", "xml"}, "--log-format \"xml\": use text or json"},
		{[]string{"--clients", clients, "--demo", "--log-level", "loud"}, "--log-level \"loud\": use debug"},
		{[]string{"--clients", filepath.Join(t.TempDir(), "missing.json"), "--demo"}, "clients file"},
		{[]string{"--clients", clients, "--demo", "--minimize-after", "-1h"}, "--minimize-after -1h0m0s is negative"},
		{[]string{"--clients", clients, "--demo", "--minimize-key", "abcd"}, "--minimize-key has 2 bytes"},
		{[]string{"--clients", clients, "--demo", "--minimize-key", "xyz"}, "--minimize-key (GDPR_MINIMIZE_KEY) is not hex"},
		{[]string{"--clients", clients, "--demo", "--trusted-proxies", "10.0.0.0/8,lb.internal"}, `trusted proxy "lb.internal" is not an IP address or CIDR prefix`},
	}
	for _, c := range cases {
		var out, errOut bytes.Buffer
		code := run(context.Background(), append([]string{"serve", "--addr", "127.0.0.1:0", "--store", "memory"}, c.args...), nil, &out, &errOut)
		if code == 0 || !strings.Contains(errOut.String(), c.says) {
			t.Errorf("serve %v: exit %d, stderr %q; want it to say %q", c.args, code, errOut.String(), c.says)
		}
	}
}

func TestServeRejectsBadEnvironment(t *testing.T) {
	clients := writeClients(t, "ops", "a-long-test-secret")
	for name, value := range map[string]string{
		"GDPR_WORKERS":         "eight",
		"GDPR_RATE":            "fast",
		"GDPR_DEMO":            "yes please",
		"GDPR_MINIMIZE_AFTER":  "30 days",
		"GDPR_TRUSTED_PROXIES": "the load balancer",
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(name, value)
			var out, errOut bytes.Buffer
			code := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--store", "memory", "--clients", clients, "--demo"}, nil, &out, &errOut)
			if code != 2 || !strings.Contains(errOut.String(), name+"=") {
				t.Errorf("serve with %s=%q: exit %d, stderr %q; want exit 2 naming the variable", name, value, code, errOut.String())
			}
		})
	}
}

func TestHashSecret(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"hash-secret"}, strings.NewReader("short\n"), &out, &errOut); code != 2 {
		t.Fatalf("short secret: exit %d", code)
	}
	if code := run(context.Background(), []string{"hash-secret"}, strings.NewReader("a-long-enough-secret\n"), &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	h := strings.TrimSpace(out.String())
	c, err := server.NewClients(server.Client{ID: "x", SecretHash: h, Organization: "o", Scope: server.ScopeAll})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Authenticate("x", "a-long-enough-secret"); !ok {
		t.Fatal("the printed hash does not verify the secret")
	}
}

// TestServeSQLAdapters serves a SQLite database described by a data map.
func TestServeSQLAdapters(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "crm.db")
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE TABLE contacts (id INTEGER PRIMARY KEY, full_name TEXT, email TEXT, email_norm TEXT)`,
		`CREATE INDEX contacts_email ON contacts (email_norm)`,
		`CREATE TABLE orders (order_no TEXT PRIMARY KEY, contact_id INTEGER REFERENCES contacts(id), total REAL)`,
		`INSERT INTO contacts VALUES (1, 'Robin Vale', 'Robin@Example.com', 'robin@example.com')`,
		`INSERT INTO orders VALUES ('o-1', 1, 12.5)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	os.WriteFile(filepath.Join(dir, "crm.yaml"), []byte(`tables:
  - name: contacts
    key: id
    kind: externalContact
    subject: true
    columns:
      - {name: full_name, term: NAME}
      - {name: email, term: EMAIL, normalized: email_norm}
  - name: orders
    key: order_no
    kind: order
    references: [{column: contact_id, table: contacts}]
`), 0o600)
	config := filepath.Join(dir, "adapters.yaml")
	os.WriteFile(config, []byte("adapters:\n  - name: crm\n    dialect: sqlite\n    dsn: "+dbPath+"\n    map: crm.yaml\n"), 0o600)

	clients := writeClients(t, "ops", "a-long-test-secret")
	addr, stop := runServe(t, &serveConfig{addr: "127.0.0.1:0", clients: clients, sqlAdapters: config, store: "memory", workers: 2, logLevel: "error"})
	defer stop()
	t.Setenv("GDPR_API_URL", "http://"+addr)
	t.Setenv("GDPR_CLIENT_ID", "ops")
	t.Setenv("GDPR_CLIENT_SECRET", "a-long-test-secret")
	code, out, errOut := gdprCmd(t, "request", "create", "--json", "--wait", "--type", "GDPR_DELETE", "--delete-confirmed", "--term", "EMAIL=robin@example.com")
	if code != 0 || !strings.Contains(out, `"deleted": 2`) {
		t.Fatalf("erase over SQLite: %d\n%s%s", code, out, errOut)
	}
	code, out, _ = gdprCmd(t, "subjects", "--type", "EMAIL", "robin@example.com")
	if code != 0 || !strings.Contains(out, "0 subjects") {
		t.Fatalf("after erasure: %d %s", code, out)
	}
}
