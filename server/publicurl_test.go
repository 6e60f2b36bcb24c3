package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/server"
)

// resultsUrl never points at a host a client named in its Host header;
// behind a trusted proxy it takes the proxy's Host and X-Forwarded-Proto.
func TestResultsURLTrustsOnlyTrustedProxiesHeaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t, server.WithTrustedProxies(loopbackProxy(t)))
	untrusted := newEnv(t)
	for _, c := range []struct {
		name       string
		env        *testEnv
		wantPrefix string
	}{
		{"a client writing Host: attacker.example", untrusted, untrusted.srv.URL + "/"},
		{"a trusted proxy terminating TLS", e, "https://gdpr.example/"},
	} {
		tok := c.env.token(t, "acme")
		resp, body := c.env.call(t, tok, "POST", "/api/v2/gdpr/requests",
			`{"requestType":"GDPR_EXPORT","subject":{"emailAddresses":["`+demo.LenaFischerEmail+`"]}}`)
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("%s: create: %d %s", c.name, resp.StatusCode, body)
		}
		var r gdpr.Request
		json.Unmarshal(body, &r)
		c.env.wait(t, tok, r.ID)
		req, _ := http.NewRequest("GET", c.env.srv.URL+"/api/v2/gdpr/requests/"+r.ID, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Host = "attacker.example"
		if c.env == e {
			req.Host = "gdpr.example"
			req.Header.Set("X-Forwarded-Proto", "https")
		} else {
			req.Header.Set("X-Forwarded-Proto", "https")
		}
		resp, body = c.env.send(t, req)
		var got gdpr.Request
		json.Unmarshal(body, &got)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(got.ResultsURL, c.wantPrefix) {
			t.Errorf("%s: resultsUrl %q, want it under %s", c.name, got.ResultsURL, c.wantPrefix)
		}
		if u, _ := url.Parse(got.ResultsURL); u != nil && u.Host == "attacker.example" {
			t.Errorf("%s: resultsUrl points at the client's Host", c.name)
		}
	}
}
