package console

import (
	"net/http"
	"testing"

	"github.com/gdprkit/gdpr/server"
)

// Behind a trusted proxy that terminates TLS, the console's cookies are
// Secure; a client that is not a trusted proxy cannot say so.
func TestCookiesAreSecureBehindATrustedTLSProxy(t *testing.T) {
	t.Parallel()
	lb, err := server.ParseProxies("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name       string
		opts       []Option
		wantSecure bool
	}{
		{"trusted proxy", []Option{WithTrustedProxies(lb)}, true},
		{"no trusted proxy", nil, false},
	} {
		rg := newRig(t, false, c.opts...)
		req, _ := http.NewRequest(http.MethodGet, rg.srv.URL+Path+"signin", nil)
		req.Header.Set("X-Forwarded-Proto", "https")
		resp, err := rg.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		cookies := resp.Cookies()
		if len(cookies) == 0 {
			t.Fatalf("%s: no cookie", c.name)
		}
		for _, ck := range cookies {
			if ck.Secure != c.wantSecure {
				t.Errorf("%s: cookie %s Secure=%v, want %v", c.name, ck.Name, ck.Secure, c.wantSecure)
			}
		}
	}
}
