package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr/server"
)

// tokenCall asks for a token as client with sec, from the client address
// xff behind the trusted test proxy, and returns the status.
func (e *testEnv) tokenCall(t *testing.T, client, sec, xff string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/oauth/token", strings.NewReader("grant_type=client_credentials"))
	req.SetBasicAuth(client, sec)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", xff)
	resp, _ := e.send(t, req)
	return resp.StatusCode
}

func loopbackProxy(t *testing.T) server.Proxies {
	t.Helper()
	lb, err := server.ParseProxies("127.0.0.1") // the test server's clients connect from here
	if err != nil {
		t.Fatal(err)
	}
	return lb
}

// An address that failed too often at the token endpoint is refused even
// with the right secret, until its window has passed.
func TestTokenEndpointLocksOutAnAddressThatFailed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, server.WithTrustedProxies(loopbackProxy(t)))
	for i := range server.DefaultFailureLimit {
		if got := e.tokenCall(t, "acme", "guess", "198.51.100.9"); got != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d, want 401", i+1, got)
		}
	}
	if got := e.tokenCall(t, "acme", secret, "198.51.100.9"); got != http.StatusTooManyRequests {
		t.Fatalf("right secret after %d failures from the address: %d, want 429", server.DefaultFailureLimit, got)
	}
	if got := e.tokenCall(t, "globex", secret, "198.51.100.10"); got != http.StatusOK {
		t.Fatalf("another address: %d, want 200", got)
	}
	e.clock.Advance(server.DefaultFailureWindow)
	if got := e.tokenCall(t, "acme", secret, "198.51.100.9"); got != http.StatusOK {
		t.Fatalf("after the window: %d, want 200", got)
	}
}

// Guesses at one client id spread over many addresses are counted at the
// id: past the limit only an address that has not failed may try it, so
// the officer at a clean address still gets in and the attackers do not.
func TestTokenEndpointCountsFailuresPerClientID(t *testing.T) {
	t.Parallel()
	e := newEnv(t, server.WithTrustedProxies(loopbackProxy(t)))
	attackers := []string{"198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4", "198.51.100.5"}
	for i := range server.DefaultFailureLimit {
		if got := e.tokenCall(t, "acme", "guess", attackers[i%len(attackers)]); got != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d, want 401", i+1, got)
		}
	}
	if got := e.tokenCall(t, "acme", secret, attackers[0]); got != http.StatusTooManyRequests {
		t.Fatalf("right secret for the locked id from an address that failed: %d, want 429", got)
	}
	if got := e.tokenCall(t, "acme", secret, "203.0.113.50"); got != http.StatusOK {
		t.Fatalf("the locked id from an address that never failed: %d, want 200 (nobody locks a client out by failing at its id)", got)
	}
	if got := e.tokenCall(t, "globex", secret, attackers[0]); got != http.StatusOK {
		t.Fatalf("another client from an attacker's address under its own limit: %d, want 200", got)
	}
}

// An IPv6 host holds its whole /64: its addresses share one limit.
func TestIPv6AddressesShareTheLimitsOfTheirSlash64(t *testing.T) {
	t.Parallel()
	e := newEnv(t, server.WithTrustedProxies(loopbackProxy(t)), server.WithRate(1, 2))
	unauthenticated := func(xff string) int {
		t.Helper()
		resp, _ := e.call(t, "", "GET", "/api/v2/gdpr/requests", nil, "X-Forwarded-For", xff)
		return resp.StatusCode
	}
	for _, a := range []string{"2001:db8:1:2::1", "2001:db8:1:2::2"} {
		if got := unauthenticated(a); got != http.StatusUnauthorized {
			t.Fatalf("%s within the burst: %d, want 401", a, got)
		}
	}
	if got := unauthenticated("2001:db8:1:2:ffff::3"); got != http.StatusTooManyRequests {
		t.Fatalf("a third address of the same /64: %d, want 429", got)
	}
	if got := unauthenticated("2001:db8:1:3::1"); got != http.StatusUnauthorized {
		t.Fatalf("another /64: %d, want 401", got)
	}

	g := newEnv(t, server.WithTrustedProxies(loopbackProxy(t)))
	for i := range server.DefaultFailureLimit {
		if got := g.tokenCall(t, "acme", "guess", "2001:db8:9:9::"+strings.Repeat("a", i%4+1)); got != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d, want 401", i+1, got)
		}
	}
	if got := g.tokenCall(t, "globex", secret, "2001:db8:9:9:1:2:3:4"); got != http.StatusTooManyRequests {
		t.Fatalf("token from a fresh address of a /64 that failed %d times: %d, want 429", server.DefaultFailureLimit, got)
	}
}

// A guard that tracks few addresses forgets the least recently used:
// addresses that started sign-ins and went away never lock out a new
// address.
func TestGuardNeverRefusesANewcomerForAFullTable(t *testing.T) {
	t.Parallel()
	g, err := server.NewGuard(server.WithTrackedFailures(100), server.WithFailureLimit(1, time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, server.WithTrustedProxies(loopbackProxy(t)), server.WithGuard(g))
	for i := range 150 {
		if got := e.tokenCall(t, "globex", "guess", fmt.Sprintf("10.1.%d.%d", i/250, i%250)); got != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d, want 401", i, got)
		}
	}
	if got := e.tokenCall(t, "acme", secret, "203.0.113.7"); got != http.StatusOK {
		t.Fatalf("a new address after the table filled: %d, want 200", got)
	}
}
