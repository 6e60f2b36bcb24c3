package main

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr/internal/demo"
)

// serveArgs starts gdpr serve with the command line args over the demo
// data and returns its base URL; it stops when the test ends.
func serveArgs(t *testing.T, args ...string) string {
	t.Helper()
	fs, c := serveFlags(io.Discard)
	if err := fs.Parse(append([]string{"--addr", "127.0.0.1:0", "--demo", "--store", "memory"}, args...)); err != nil {
		t.Fatal(err)
	}
	addr, stop := runServe(t, c)
	t.Cleanup(stop)
	return "http://" + addr
}

func TestServeMountsTheConsoleBesideTheAPI(t *testing.T) {
	base := serveArgs(t, "--clients", writeClients(t, "ops", "a-long-test-secret"))
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}

	resp, err := browser.Get(base + "/console/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/console/signin" ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'self'") {
		t.Fatalf("GET /console/: %d at %s, CSP %q; want the sign-in page under the policy",
			resp.StatusCode, resp.Request.URL.Path, resp.Header.Get("Content-Security-Policy"))
	}
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no csrf field on the sign-in page:\n%s", page)
	}
	resp, err = browser.PostForm(base+"/console/signin", url.Values{"csrf": {string(m[1])}, "client_id": {"ops"}, "client_secret": {"a-long-test-secret"}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/console/requests" || !strings.Contains(string(page), "organization <strong>acme</strong>") {
		t.Fatalf("sign-in with the clients file's client: %d at %s\n%s", resp.StatusCode, resp.Request.URL.Path, page)
	}

	req, _ := http.NewRequest(http.MethodPost, base+"/oauth/token", strings.NewReader("grant_type=client_credentials"))
	req.SetBasicAuth("ops", "a-long-test-secret")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the API beside the console: token %d", resp.StatusCode)
	}
}

// gdpr serve signs checkpoints, so a finished request's page in the
// console names the checkpoint that signs its events and the key.
func TestServeConsoleNamesTheSigningCheckpoint(t *testing.T) {
	base := serveArgs(t, "--clients", writeClients(t, "ops", "a-long-test-secret"))
	browser := consoleSignIn(t, base, "ops")
	body := `{"requestType":"GDPR_EXPORT","subject":{"emailAddresses":["` + demo.LenaFischerEmail + `"]}}`
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v2/gdpr/requests", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+bearer(t, strings.TrimPrefix(base, "http://")))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var created struct{ ID string }
	err = json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if err != nil || created.ID == "" {
		t.Fatalf("create: %d, %v", resp.StatusCode, err)
	}
	var page string
	for deadline := time.Now().Add(time.Minute); !strings.Contains(page, "are signed by checkpoint #1 of"); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the request's page never named the checkpoint that signs it:\n%s", page)
		}
		resp, err := browser.Get(base + "/console/requests/" + created.ID)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		page = html.UnescapeString(string(b))
	}
	if !strings.Contains(page, "Audit chain verified and signed.") || !strings.Contains(page, "key <code>SHA256:") {
		t.Fatalf("the request's page does not say the chain is signed, and by which key:\n%s", page)
	}
}

func TestServeConsoleCanBeTurnedOff(t *testing.T) {
	base := serveArgs(t, "--clients", writeClients(t, "ops", "a-long-test-secret"), "--console=false")
	resp, err := http.Get(base + "/console/signin")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("GET /console/signin with --console=false: %d; want 404", resp.StatusCode)
	}

	t.Setenv("GDPR_CONSOLE", "false")
	fs, c := serveFlags(io.Discard)
	if !c.console {
		t.Fatal("the console is off by default")
	}
	if err := applyEnv(fs); err != nil || c.console {
		t.Fatalf("GDPR_CONSOLE=false: console %v, %v; want it off", c.console, err)
	}
}
