package gdpr

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestOptionsRejectBadValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opt  Option
		want string
	}{
		{"base url not a URL", WithBaseURL("://x"), "WithBaseURL"},
		{"base url scheme", WithBaseURL("ftp://api.example.com"), "http or https"},
		{"base url relative", WithBaseURL("/api"), "http or https"},
		{"base url host", WithBaseURL("https://"), "no host"},
		{"base url query", WithBaseURL("https://api.example.com?x=1"), "no query"},
		{"region", WithRegion("mars-north-1"), "use one of us-east-1, eu-west-1,"},
		{"credentials id", WithClientCredentials("", "s"), "both required"},
		{"credentials secret", WithClientCredentials("id", ""), "both required"},
		{"token empty", WithToken(""), "empty"},
		{"token lines", WithToken("a\nb"), "one line"},
		{"http client", WithHTTPClient(nil), "nil"},
		{"transport", WithTransport(nil), "nil"},
		{"rate negative", WithRate(-1, 1), "WithRate: perSecond is -1; give a positive rate, or 0 for no limit"},
		{"rate NaN", WithRate(math.NaN(), 1), "WithRate: perSecond is NaN"},
		{"burst", WithRate(10, 0), "WithRate: burst is 0; give 1 or more"},
		{"attempts", WithRetry(RetryPolicy{Attempts: -1}), "WithRetry: RetryPolicy.Attempts is -1; give the number of tries in all"},
		{"min wait", WithRetry(RetryPolicy{MinWait: -1}), "WithRetry: RetryPolicy.MinWait is -1ns"},
		{"max wait", WithRetry(RetryPolicy{MaxWait: -time.Second}), "WithRetry: RetryPolicy.MaxWait is -1s"},
		{"max wait order", WithRetry(RetryPolicy{MinWait: time.Second, MaxWait: time.Millisecond}), "WithRetry: RetryPolicy.MaxWait (1ms) is less than MinWait (1s)"},
		{"min wait over default max", WithRetry(RetryPolicy{MinWait: time.Hour}), "MaxWait (10s) is less than MinWait (1h0m0s); raise MaxWait"},
		{"max retry after", WithRetry(RetryPolicy{MaxRetryAfter: -time.Second}), "WithRetry: RetryPolicy.MaxRetryAfter is -1s"},
		{"logger", WithLogger(nil), "nil"},
		{"user agent", WithUserAgent(""), "user agent"},
		{"user agent lines", WithUserAgent("a\r\nX: y"), "user agent"},
		{"polling", WithPolling(0, time.Second), "WithPolling"},
		{"polling order", WithPolling(time.Second, time.Millisecond), "WithPolling"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := New(tt.opt)
			if err == nil || c != nil {
				t.Fatalf("New = %v, %v; want an error", c, err)
			}
			if !strings.HasPrefix(err.Error(), "gdpr: ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not start with gdpr: and mention %q", err, tt.want)
			}
		})
	}
}

func TestOptionsAccepted(t *testing.T) {
	t.Parallel()
	c, err := New(
		WithRegion("eu-west-1"),
		WithClientCredentials("id", "secret"),
		WithHTTPClient(&http.Client{Timeout: time.Minute}),
		WithRate(math.Inf(1), 1),
		WithRate(0, 0),
		WithRate(10, 5),
		WithRetry(RetryPolicy{Attempts: 1}),
		WithRetry(RetryPolicy{}),
		WithLogger(discardLogger()),
		WithUserAgent("my-app/2"),
		WithPolling(time.Millisecond, time.Second),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.BaseURL(), "https://api.mypurecloud.ie"; got != want {
		t.Errorf("BaseURL %q, want %q", got, want)
	}
	if _, err := New(WithToken("t"), WithClientCredentials("id", "s")); err == nil {
		t.Error("New took both a token and client credentials")
	}
	c, err = New(WithBaseURL("https://gdpr.example.com/prefix/"), WithTransport(http.DefaultTransport))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.BaseURL(), "https://gdpr.example.com/prefix"; got != want {
		t.Errorf("BaseURL %q, want %q", got, want)
	}
}

// With no options the client talks to us-east-1 and, having no
// credentials, fails its first call without sending anything.
func TestZeroOptionsNeedCredentials(t *testing.T) {
	t.Parallel()
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.BaseURL(), "https://api.mypurecloud.com"; got != want {
		t.Errorf("BaseURL %q, want %q", got, want)
	}
	_, err = c.SearchSubjects(context.Background(), KindEmail, "someone@example.com")
	if !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("err = %v, want ErrNoCredentials", err)
	}
	if strings.Contains(err.Error(), "someone") {
		t.Errorf("error %q shows the search value", err)
	}
}

func TestRegions(t *testing.T) {
	t.Parallel()
	if len(Regions()) != 17 {
		t.Errorf("%d regions, want 17", len(Regions()))
	}
	for _, name := range Regions() {
		if _, err := New(WithRegion(name)); err != nil {
			t.Errorf("region %s: %v", name, err)
		}
	}
	if u, _ := RegionURL("us-east-2"); u != "https://api.use2.us-gov-pure.cloud" {
		t.Errorf("us-east-2 = %q", u)
	}
}

func TestTokenURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ base, want string }{
		{"https://api.mypurecloud.ie", "https://login.mypurecloud.ie/oauth/token"},
		{"https://api.euw2.pure.cloud", "https://login.euw2.pure.cloud/oauth/token"},
		{"http://localhost:8080", "http://localhost:8080/oauth/token"},
		{"https://gdpr.example.com/prefix", "https://gdpr.example.com/prefix/oauth/token"},
		{"http://127.0.0.1:9000", "http://127.0.0.1:9000/oauth/token"},
	}
	for _, tt := range tests {
		u, _ := url.Parse(tt.base)
		if got := tokenURL(u); got != tt.want {
			t.Errorf("tokenURL(%s) = %s, want %s", tt.base, got, tt.want)
		}
	}
}

type countingTransport struct {
	n    atomic.Int32
	base http.RoundTripper
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.base.RoundTrip(r)
}

// The base transport of WithTransport and WithHTTPClient carries every
// attempt, the token request included.
func TestBaseTransport(t *testing.T) {
	t.Parallel()
	_, mux, _, srv := setup(t)
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"access_token": "t", "expires_in": 60})
	})
	mux.HandleFunc("/api/v2/gdpr/requests/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, Request{ID: "r1"})
	})
	for _, opt := range []func(http.RoundTripper) Option{
		WithTransport,
		func(rt http.RoundTripper) Option { return WithHTTPClient(&http.Client{Transport: rt}) },
	} {
		rt := &countingTransport{base: http.DefaultTransport}
		c, err := New(WithBaseURL(srv.URL), WithClientCredentials("id", "s"), opt(rt))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.GetRequest(context.Background(), "r1"); err != nil {
			t.Fatal(err)
		}
		if rt.n.Load() != 2 {
			t.Errorf("base transport saw %d requests, want 2", rt.n.Load())
		}
	}
}

func TestRetryPolicyValidate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		p    RetryPolicy
		want string // "" for valid
	}{
		{"zero", RetryPolicy{}, ""},
		{"default", DefaultRetryPolicy(), ""},
		{"once", RetryPolicy{Attempts: 1}, ""},
		{"min wait alone", RetryPolicy{MinWait: time.Hour}, ""},
		{"equal waits", RetryPolicy{MinWait: time.Second, MaxWait: time.Second}, ""},
		{"attempts", RetryPolicy{Attempts: -2}, "RetryPolicy.Attempts is -2"},
		{"min wait", RetryPolicy{MinWait: -time.Second}, "RetryPolicy.MinWait is -1s"},
		{"max wait", RetryPolicy{MaxWait: -time.Second}, "RetryPolicy.MaxWait is -1s"},
		{"max retry after", RetryPolicy{MaxRetryAfter: -time.Second}, "RetryPolicy.MaxRetryAfter is -1s"},
		{"order", RetryPolicy{MinWait: 2 * time.Second, MaxWait: time.Second}, "RetryPolicy.MaxWait (1s) is less than MinWait (2s)"},
	} {
		err := tt.p.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: Validate() = %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: Validate() = %v; want an error saying %q", tt.name, err, tt.want)
		}
	}
}

func TestRetryPolicyOr(t *testing.T) {
	t.Parallel()
	d := DefaultRetryPolicy()
	got := RetryPolicy{Attempts: 1, MaxWait: time.Hour}.Or(d)
	want := RetryPolicy{Attempts: 1, MinWait: d.MinWait, MaxWait: time.Hour, MaxRetryAfter: d.MaxRetryAfter}
	if got != want {
		t.Errorf("Or = %+v, want %+v", got, want)
	}
	if got := (RetryPolicy{}).Or(d); got != d {
		t.Errorf("zero policy Or default = %+v, want %+v", got, d)
	}
}
