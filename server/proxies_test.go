package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr/server"
)

func TestParseProxiesNamesTheEntryItCannotRead(t *testing.T) {
	t.Parallel()
	if _, err := server.ParseProxies("10.0.0.0/8", " 192.0.2.7 ", "2001:db8::/32", ""); err != nil {
		t.Fatalf("valid list refused: %v", err)
	}
	for _, bad := range []string{"10.0.0.0/33", "lb.internal", "300.1.1.1", "10.0.0.1:80"} {
		_, err := server.ParseProxies("10.0.0.0/8", bad)
		if err == nil || !strings.Contains(err.Error(), `"`+bad+`"`) || !strings.Contains(err.Error(), "CIDR") {
			t.Errorf("ParseProxies(%q) = %v, want an error naming it and the form expected", bad, err)
		}
	}
}

func TestClientAddrBelievesOnlyTrustedProxies(t *testing.T) {
	t.Parallel()
	proxies, err := server.ParseProxies("10.0.0.0/8", "2001:db8::1")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, peer string
		xff        []string
		want       string
	}{
		{"direct client", "198.51.100.7:5000", nil, "198.51.100.7"},
		{"direct client forging the header", "198.51.100.7:5000", []string{"203.0.113.9"}, "198.51.100.7"},
		{"behind one proxy", "10.0.0.2:443", []string{"198.51.100.7"}, "198.51.100.7"},
		{"behind two proxies", "10.0.0.2:443", []string{"198.51.100.7, 10.1.2.3"}, "198.51.100.7"},
		{"a forged entry left of the proxy's", "10.0.0.2:443", []string{"203.0.113.9, 198.51.100.7"}, "198.51.100.7"},
		{"the header in two lines", "10.0.0.2:443", []string{"203.0.113.9", "198.51.100.7, 10.9.9.9"}, "198.51.100.7"},
		{"an entry with a port", "10.0.0.2:443", []string{"198.51.100.7:61000"}, "198.51.100.7"},
		{"IPv6 behind an IPv6 proxy", "[2001:db8::1]:443", []string{"2001:db8:cafe::17"}, "2001:db8:cafe::17"},
		{"IPv4 mapped in IPv6", "[::ffff:10.0.0.2]:443", []string{"::ffff:198.51.100.7"}, "198.51.100.7"},
		{"garbage stops at the proxy that passed it", "10.0.0.2:443", []string{"198.51.100.7, garbage, 10.1.2.3"}, "10.1.2.3"},
		{"no header from a proxy", "10.0.0.2:443", nil, "10.0.0.2"},
		{"only proxies", "10.0.0.2:443", []string{"10.0.0.9"}, "10.0.0.9"},
	} {
		r, _ := http.NewRequest(http.MethodGet, "http://gdpr.example/", nil)
		r.RemoteAddr = c.peer
		for _, v := range c.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := proxies.ClientAddr(r); got != c.want {
			t.Errorf("%s: ClientAddr = %q, want %q", c.name, got, c.want)
		}
	}
	var none server.Proxies
	r, _ := http.NewRequest(http.MethodGet, "http://gdpr.example/", nil)
	r.RemoteAddr, r.Header["X-Forwarded-For"] = "10.0.0.2:443", []string{"198.51.100.7"}
	if got := none.ClientAddr(r); got != "10.0.0.2" {
		t.Errorf("no trusted proxies: ClientAddr = %q, want the peer", got)
	}
}

// Behind a load balancer every request comes from its address: the
// per-address limit must count the clients it forwards for, apart.
func TestAddressLimitCountsEachClientBehindATrustedProxy(t *testing.T) {
	t.Parallel()
	lb, err := server.ParseProxies("127.0.0.1") // the test server's clients connect from here
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, server.WithRate(1, 2), server.WithTrustedProxies(lb))
	unauthenticated := func(xff string) int {
		t.Helper()
		resp, _ := e.call(t, "", "GET", "/api/v2/gdpr/requests", nil, "X-Forwarded-For", xff)
		return resp.StatusCode
	}
	for range 2 {
		if got := unauthenticated("198.51.100.1"); got != http.StatusUnauthorized {
			t.Fatalf("within the burst: %d, want 401", got)
		}
	}
	if got := unauthenticated("198.51.100.1"); got != http.StatusTooManyRequests {
		t.Fatalf("past the burst: %d, want 429", got)
	}
	if got := unauthenticated("198.51.100.2"); got != http.StatusUnauthorized {
		t.Fatalf("another client behind the same proxy: %d, want 401 (a budget of its own)", got)
	}
	if got := unauthenticated("198.51.100.2, 198.51.100.1"); got != http.StatusTooManyRequests {
		t.Fatalf("the limited client writing another address first: %d, want 429", got)
	}
}
