package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/internal/demo"
)

// startServe runs gdpr serve over the demo data for the test and points
// the client commands at it through the environment.
func startServe(t *testing.T) {
	t.Helper()
	clients := writeClients(t, "ops", "a-long-test-secret")
	addr, stop := runServe(t, &serveConfig{addr: "127.0.0.1:0", clients: clients, demoData: true, store: "memory", workers: 2, rate: 0, burst: 1})
	t.Cleanup(stop)
	t.Setenv("GDPR_API_URL", "http://"+addr)
	t.Setenv("GDPR_CLIENT_ID", "ops")
	t.Setenv("GDPR_CLIENT_SECRET", "a-long-test-secret")
	t.Setenv("GDPR_API_REGION", "")
	t.Setenv("GDPR_TOKEN", "")
}

func gdprCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, nil, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestClientCommands(t *testing.T) {
	startServe(t)

	code, out, errOut := gdprCmd(t, "subjects", "--type", "email", demo.SamRiveraEmail)
	if code != 0 || !strings.Contains(out, "2 subjects") || !strings.Contains(out, "userId") {
		t.Fatalf("subjects: %d\n%s%s", code, out, errOut)
	}
	code, out, _ = gdprCmd(t, "subjects", "--json", "--type", "NAME", demo.AlexMorgan)
	var subjects []gdpr.Subject
	if code != 0 || json.Unmarshal([]byte(out), &subjects) != nil || len(subjects) != 3 {
		t.Fatalf("subjects --json: %d %s", code, out)
	}

	code, out, errOut = gdprCmd(t, "request", "create", "--json", "--wait", "--type", "GDPR_EXPORT", "--term", "EMAIL="+demo.LenaFischerEmail)
	var r gdpr.Request
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil || r.Status != gdpr.StatusCompleted {
		t.Fatalf("create --wait: %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "request "+r.ID+": COMPLETED") {
		t.Fatalf("no progress on stderr: %q", errOut)
	}

	file := filepath.Join(t.TempDir(), "export.zip")
	code, _, errOut = gdprCmd(t, "results", "download", "-o", file, r.ID)
	if code != 0 {
		t.Fatalf("download: %d %s", code, errOut)
	}
	zr, err := zip.OpenReader(file)
	if err != nil {
		t.Fatal(err)
	}
	zr.Close()
	if code, _, errOut = gdprCmd(t, "results", "download", "-o", file, r.ID); code != 1 || !strings.Contains(errOut, "exists") {
		t.Fatalf("download over an existing file: %d %s", code, errOut)
	}

	code, out, _ = gdprCmd(t, "request", "get", r.ID)
	if code != 0 || !strings.Contains(out, "COMPLETED") || !strings.Contains(out, "step crm") {
		t.Fatalf("get: %d\n%s", code, out)
	}
	code, out, _ = gdprCmd(t, "request", "list")
	if code != 0 || !strings.Contains(out, r.ID) || !strings.Contains(out, "1 requests") {
		t.Fatalf("list: %d\n%s", code, out)
	}

	// Mistakes say what to do, with the API's code and correlation id.
	code, _, errOut = gdprCmd(t, "request", "create", "--type", "GDPR_DELETE", "--term", "EMAIL="+demo.JordanBlakeEmail)
	if code != 1 || !strings.Contains(errOut, "400 invalid.property") || !strings.Contains(errOut, "deleteConfirmed") || !strings.Contains(errOut, "correlation id") {
		t.Fatalf("unconfirmed delete: %d %s", code, errOut)
	}
	code, _, errOut = gdprCmd(t, "request", "create", "--type", "GDPR_EXPORT", "--term", "FAX=123")
	if code != 2 || !strings.Contains(errOut, "--term kind") {
		t.Fatalf("bad term kind: %d %s", code, errOut)
	}
	code, _, errOut = gdprCmd(t, "request", "get", "00000000-0000-4000-8000-000000000000")
	if code != 1 || !strings.Contains(errOut, "404 not.found") {
		t.Fatalf("unknown id: %d %s", code, errOut)
	}
	t.Setenv("GDPR_CLIENT_SECRET", "wrong-secret")
	code, _, errOut = gdprCmd(t, "request", "list")
	if code != 1 || strings.Contains(errOut, "wrong-secret") {
		t.Fatalf("wrong secret: %d %s", code, errOut)
	}
	t.Setenv("GDPR_CLIENT_ID", "")
	if code, _, errOut = gdprCmd(t, "request", "list"); code != 2 || !strings.Contains(errOut, "no credentials") {
		t.Fatalf("no credentials: %d %s", code, errOut)
	}
}
