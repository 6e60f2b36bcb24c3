package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/internal/demo"
)

// TestTenantIsolation: for every route and operation, organization
// globex's token on acme's request ids and results URLs gets 404 or 401,
// never acme's data.
func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme, globex := e.token(t, "acme"), e.token(t, "globex")
	resp, body := e.call(t, acme, "POST", "/api/v2/gdpr/requests",
		`{"requestType":"GDPR_EXPORT","subject":{"emailAddresses":["`+demo.LenaFischerEmail+`"]}}`, "Idempotency-Key", "acme-key")
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	var made gdpr.Request
	json.Unmarshal(body, &made)
	done := e.wait(t, acme, made.ID)
	u, _ := url.Parse(done.ResultsURL)
	q := u.Query()
	forged := url.Values{"org": {"globex"}, "expires": q["expires"], "signature": q["signature"]}
	resigned := url.Values{"org": {"acme"}, "expires": {"99999999999"}, "signature": q["signature"]}

	cases := []struct {
		name, token, method, path string
		body                      string
		status                    int
	}{
		{"get another org's request", globex, "GET", "/api/v2/gdpr/requests/" + made.ID, "", 404},
		{"list sees none of another org's", globex, "GET", "/api/v2/gdpr/requests", "", 200},
		{"results URL with the other org put in", "", "GET", u.Path + "?" + forged.Encode(), "", 401},
		{"results URL with its expiry moved", "", "GET", u.Path + "?" + resigned.Encode(), "", 401},
		{"results URL with another id", "", "GET", "/api/v2/gdpr/requests/00000000-0000-4000-8000-000000000000/results?" + q.Encode(), "", 401},
		{"results URL with no signature", globex, "GET", u.Path + "?org=acme&expires=99999999999", "", 401},
		{"same idempotency key in another org is another request", globex, "POST", "/api/v2/gdpr/requests",
			`{"requestType":"GDPR_EXPORT","subject":{"emailAddresses":["` + demo.LenaFischerEmail + `"]}}`, 202},
		{"a token of another org cannot be bent", strings.Replace(acme, ".", ".x", 1), "GET", "/api/v2/gdpr/requests/" + made.ID, "", 401},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b any
			if c.body != "" {
				b = c.body
			}
			hdr := []string{}
			if c.method == "POST" {
				hdr = []string{"Idempotency-Key", "acme-key"}
			}
			resp, body := e.call(t, c.token, c.method, c.path, b, hdr...)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, body)
			}
			// A 404 may echo the id asked for; nothing of the request
			// itself may come back, and a new request is never acme's.
			var got gdpr.Request
			json.Unmarshal(body, &got)
			leak := got.ID == made.ID || strings.Contains(string(body), `"steps"`) && c.method == "GET"
			if c.method == "GET" {
				leak = leak || strings.Contains(strings.ToLower(string(body)), "fischer")
			}
			if leak {
				t.Fatalf("answer leaks acme's request: %s", body)
			}
			if c.status == 200 {
				var page gdpr.RequestEntityListing
				if json.Unmarshal(body, &page); page.Total != 0 {
					t.Fatalf("globex lists %d requests", page.Total)
				}
			}
		})
	}
}
