package main

import (
	"bytes"
	"context"
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
		{[]string{"--clients", clients, "--demo", "--store", "mongo"}, `--store "mongo" is not known`},
		{[]string{"--clients", clients, "--demo", "--signing-key", "zz"}, "--signing-key is not hex"},
		{[]string{"--clients", clients, "--demo", "--log-level", "loud"}, "log level"},
		{[]string{"--clients", filepath.Join(t.TempDir(), "missing.json"), "--demo"}, "clients file"},
	}
	for _, c := range cases {
		var out, errOut bytes.Buffer
		code := run(context.Background(), append([]string{"serve", "--addr", "127.0.0.1:0"}, c.args...), nil, &out, &errOut)
		if code == 0 || !strings.Contains(errOut.String(), c.says) {
			t.Errorf("serve %v: exit %d, stderr %q; want it to say %q", c.args, code, errOut.String(), c.says)
		}
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
