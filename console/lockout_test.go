package console

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr/server"
)

// tokenStatus asks the API of the rig for a token as id with secret, from
// the client address xff behind the trusted test proxy.
func (rg *rig) tokenStatus(t *testing.T, id, secret, xff string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, rg.srv.URL+"/oauth/token", strings.NewReader("grant_type=client_credentials"))
	req.SetBasicAuth(id, secret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", xff)
	resp, err := rg.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// One Guard shared by the console and the token endpoint is one lockout:
// the address that failed at the console is refused a token, even with
// the right secret.
func TestFailedSignInsLockTheTokenEndpointToo(t *testing.T) {
	t.Parallel()
	lb, err := server.ParseProxies("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	g, err := server.NewGuard(server.WithFailureLimit(3, 10*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	rg := startRig(t, rigConfig{guard: g, proxies: lb}, WithTrustedProxies(lb))
	o := rg.officer(t)
	o.forwardedFor = "198.51.100.20"
	for range 3 {
		if r := o.signIn(opsID, "wrong"); r.status != http.StatusUnauthorized {
			t.Fatalf("failed sign-in: %d", r.status)
		}
	}
	if got := rg.tokenStatus(t, opsID, opsSecret, "198.51.100.20"); got != http.StatusTooManyRequests {
		t.Errorf("token with the right secret from the address that failed at the console: %d, want 429", got)
	}
	if got := rg.tokenStatus(t, rivalID, rivalSecret, "198.51.100.21"); got != http.StatusOK {
		t.Errorf("token from another address: %d, want 200", got)
	}
	for range 3 {
		rg.tokenStatus(t, auditorID, "wrong", "198.51.100.22")
	}
	other := rg.officer(t)
	other.forwardedFor = "198.51.100.22"
	if r := other.signIn(auditorID, auditorSecret); r.status != http.StatusTooManyRequests {
		t.Errorf("console sign-in from the address that failed at the token endpoint: %d, want 429", r.status)
	}
}

// Sign-ins abandoned from more addresses than the guard tracks never
// lock out an officer at a new address: the oldest are forgotten.
func TestSignInsFromManyAddressesNeverLockOutANewcomer(t *testing.T) {
	t.Parallel()
	lb, err := server.ParseProxies("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	g, err := server.NewGuard(server.WithTrackedFailures(50))
	if err != nil {
		t.Fatal(err)
	}
	rg := startRig(t, rigConfig{guard: g, proxies: lb}, WithTrustedProxies(lb))
	o := rg.officer(t)
	for i := range 80 {
		o.forwardedFor = fmt.Sprintf("203.0.113.%d", i)
		if r := o.signIn(opsID, "wrong"); r.status != http.StatusUnauthorized {
			t.Fatalf("sign-in %d: %d, want 401", i, r.status)
		}
	}
	officer := rg.officer(t)
	officer.forwardedFor = "192.0.2.200"
	if r := officer.signIn(opsID, opsSecret); r.status != http.StatusSeeOther {
		t.Fatalf("an officer at a new address after the table filled: %d, want to sign in\n%s", r.status, r.body)
	}
}
