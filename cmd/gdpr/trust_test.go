package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// marker is the value of every secret variable in TestNoSecretIsEverShown:
// hex, so that key flags accept it and the command goes on to fail later.
var marker = strings.Repeat("5ec7e7", 11)

// TestNoSecretIsEverShown sets every secret variable to a marker and runs
// every subcommand with -h, with a flag it does not know, and against a
// server that cannot be reached: the marker is in no output.
func TestNoSecretIsEverShown(t *testing.T) {
	// Every secret variable a serve flag names (keys added later
	// included), and the client's.
	secrets := []string{"GDPR_CLIENT_SECRET", "GDPR_TOKEN"}
	fs, _ := serveFlags(io.Discard)
	fs.VisitAll(func(f *flag.Flag) {
		if m := envName.FindStringSubmatch(f.Usage); m != nil && secretEnv(m[1]) && m[1] != "GDPR_POSTGRES_DSN" {
			secrets = append(secrets, m[1])
		}
	})
	if len(secrets) < 4 {
		t.Fatalf("secret variables found: %q; want the signing and minimization keys among them", secrets)
	}
	for _, v := range secrets {
		t.Setenv(v, marker)
	}
	t.Setenv("GDPR_POSTGRES_DSN", "postgres://ops:"+marker+"@127.0.0.1:1/gdpr?connect_timeout=2")
	t.Setenv("GDPR_API_URL", "http://127.0.0.1:1")
	t.Setenv("GDPR_API_REGION", "")
	t.Setenv("GDPR_CLIENT_ID", "ops")
	clients := writeClients(t, "ops", "a-long-test-secret")

	commands := [][]string{
		{"subjects", "--type", "EMAIL", "jane@example.com"},
		{"request", "create", "--type", "GDPR_EXPORT", "--term", "EMAIL=jane@example.com"},
		{"request", "get", "r1"},
		{"request", "wait", "r1"},
		{"request", "list"},
		{"results", "download", "-o", filepath.Join(t.TempDir(), "x.zip"), "r1"},
		{"dsar", "--type", "export", "--email", "jane@example.com"},
		{"inventory"},
		{"serve", "--clients", clients, "--demo", "--store", "postgres", "--addr", "127.0.0.1:0"},
		{"audit", "verify", "--store", "postgres", "--org", "acme"},
		{"scan", "--adapters", filepath.Join(t.TempDir(), "missing.yaml")},
		{"demo"},
		{"hash-secret"},
		{"version"},
	}
	for _, c := range commands {
		name := strings.Join(c[:min(2, len(c))], " ")
		words := 1
		if c[0] == "request" || c[0] == "results" || c[0] == "audit" {
			words = 2
		}
		t.Run(name, func(t *testing.T) {
			help := append(append([]string{}, c[:words]...), "-h")
			code, out, errOut := runCmd(t, context.Background(), help...)
			check(t, "-h", out+errOut)
			if code != exitOK || !strings.Contains(out, "Usage") {
				t.Errorf("%q: exit %d, want 0 and the usage on stdout:\n%s%s", help, code, out, errOut)
			}
			bad := append(append([]string{}, c[:words]...), "--no-such-flag")
			code, out, errOut = runCmd(t, context.Background(), bad...)
			check(t, "bad flag", out+errOut)
			if code != exitUsage {
				t.Errorf("%q: exit %d, want 2:\n%s%s", bad, code, out, errOut)
			}
			if c[0] == "demo" || c[0] == "hash-secret" || c[0] == "version" {
				return
			}
			code, out, errOut = runCmd(t, context.Background(), c...)
			check(t, "unreachable", out+errOut)
			if code != exitFailed {
				t.Errorf("%q: exit %d, want 1:\n%s%s", c, code, out, errOut)
			}
		})
	}
}

func check(t *testing.T, what, output string) {
	t.Helper()
	if strings.Contains(output, marker) || strings.Contains(output, marker[:12]) {
		t.Errorf("%s: a secret is shown:\n%s", what, output)
	}
}

func runCmd(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(ctx, args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestUnreachableAPIIsOneSentence(t *testing.T) {
	t.Setenv("GDPR_API_URL", "http://127.0.0.1:1")
	t.Setenv("GDPR_API_REGION", "")
	t.Setenv("GDPR_CLIENT_ID", "ops")
	t.Setenv("GDPR_CLIENT_SECRET", "a-long-test-secret")
	t.Setenv("GDPR_TOKEN", "")
	code, _, errOut := runCmd(t, context.Background(), "subjects", "--type", "EMAIL", "jane@example.com")
	want := "gdpr subjects: cannot reach the API at http://127.0.0.1:1: connection refused; check --url (GDPR_API_URL) and that the server is running\n"
	if code != exitFailed || errOut != want {
		t.Errorf("exit %d, stderr %q\nwant %q", code, errOut, want)
	}
	if strings.Contains(errOut, "jane") {
		t.Errorf("the search value is in the error: %q", errOut)
	}
}

func TestAPIURLWithoutScheme(t *testing.T) {
	t.Setenv("GDPR_API_URL", "127.0.0.1:38080")
	t.Setenv("GDPR_API_REGION", "")
	t.Setenv("GDPR_TOKEN", "x")
	code, _, errOut := runCmd(t, context.Background(), "request", "list")
	if code != exitUsage || !strings.Contains(errOut, "needs http:// or https://") && !strings.Contains(errOut, "give http:// or https://") || !strings.Contains(errOut, "http://127.0.0.1:38080") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// fakeAPI serves a request r1 that is created INITIATED and read as
// status; read, when not nil, runs before each read is answered.
func fakeAPI(t *testing.T, status string, read func()) {
	t.Helper()
	mux := http.NewServeMux()
	body := func(s string) string {
		return fmt.Sprintf(`{"id":"r1","requestType":"GDPR_EXPORT","status":%q,"createdDate":"2026-01-01T00:00:00.000Z"}`, s)
	}
	mux.HandleFunc("POST /api/v2/gdpr/requests", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprint(w, body("INITIATED"))
	})
	mux.HandleFunc("GET /api/v2/gdpr/requests/r1", func(w http.ResponseWriter, r *http.Request) {
		if read != nil {
			read()
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body(status))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	t.Setenv("GDPR_API_URL", srv.URL)
	t.Setenv("GDPR_API_REGION", "")
	t.Setenv("GDPR_TOKEN", "test-token")
}

func TestCreateWaitExitsOneOnError(t *testing.T) {
	fakeAPI(t, "ERROR", nil)
	for _, args := range [][]string{
		{"request", "create", "--type", "GDPR_EXPORT", "--term", "EMAIL=jane@example.com", "--wait"},
		{"request", "wait", "r1"},
	} {
		code, out, errOut := runCmd(t, context.Background(), args...)
		if code != exitFailed || !strings.Contains(out, "ERROR") {
			t.Errorf("%q: exit %d, want 1\n%s%s", args, code, out, errOut)
		}
	}
}

// TestInterruptedWaitSaysTheRequestCarriesOn interrupts a wait on a slow
// server: the command shows something at once, then says the request
// carries on and how to follow it, and exits 130.
func TestInterruptedWaitSaysTheRequestCarriesOn(t *testing.T) {
	release := make(chan struct{})
	fakeAPI(t, "SEARCHING", func() { <-release })
	t.Cleanup(func() { close(release) }) // before the server closes
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	errOut := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"request", "create", "--type", "GDPR_EXPORT", "--term", "EMAIL=jane@example.com", "--wait"}, nil, &out, errOut)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(errOut.String(), "request r1: waiting for the server") {
		if time.Now().After(deadline) {
			t.Fatalf("nothing shown while the server is slow: %q", errOut.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	code := <-done
	want := "interrupted: request r1 carries on on the server; follow it with 'gdpr request wait r1'"
	if code != exitInterrupted || !strings.Contains(errOut.String(), want) {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
}

func TestFlagsAfterArguments(t *testing.T) {
	fakeAPI(t, "COMPLETED", nil)
	code, out, errOut := runCmd(t, context.Background(), "request", "get", "r1", "--json")
	if code != exitOK || !strings.HasPrefix(out, "{") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	code, _, errOut = runCmd(t, context.Background(), "request", "get")
	if code != exitUsage || !strings.Contains(errOut, "missing the ID: gdpr request get ID") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestHelpListsExitCodes(t *testing.T) {
	code, out, _ := runCmd(t, context.Background(), "help")
	for _, want := range []string{"0    success", "1    the work failed", "2    usage", "3    gdpr scan found", "130  interrupted"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("help lacks %q", want)
		}
	}
}

func TestVersion(t *testing.T) {
	for _, arg := range []string{"version", "--version"} {
		code, out, _ := runCmd(t, context.Background(), arg)
		if code != 0 || !strings.HasPrefix(out, "gdpr ") || !strings.Contains(out, "go1.") {
			t.Errorf("%s: exit %d, %q", arg, code, out)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
