package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr/server"
)

// gdpr serve gives the console and the token endpoint one lockout: an
// address that failed to sign in to the console too often is refused a
// token, even with the right secret.
func TestServeSharesOneLockoutBetweenConsoleAndTokens(t *testing.T) {
	base := serveArgs(t, "--clients", writeClients(t, "ops", "a-long-test-secret"))
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(base + "/console/signin")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no csrf field on the sign-in page:\n%s", page)
	}
	for i := range server.DefaultFailureLimit {
		resp, err := browser.PostForm(base+"/console/signin", url.Values{"csrf": {string(m[1])}, "client_id": {"ops"}, "client_secret": {"wrong"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failed sign-in %d: %d", i+1, resp.StatusCode)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/oauth/token", strings.NewReader("grant_type=client_credentials"))
	req.SetBasicAuth("ops", "a-long-test-secret")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("token with the right secret after %d failed console sign-ins: %d, want 429 with Retry-After", server.DefaultFailureLimit, resp.StatusCode)
	}
}
