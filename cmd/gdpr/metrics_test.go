package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr/internal/demo"
)

// TestMetricsAfterADemoWorkload runs gdpr serve with --metrics-addr over
// the demo data, drives an export, an erasure, a refused token and a
// rate-limited burst through it, then scrapes /metrics and checks the
// values.
func TestMetricsAfterADemoWorkload(t *testing.T) {
	clients := writeClients(t, "ops", "a-long-test-secret")
	logs := &syncBuffer{}
	log, err := newLogFormat(logs, "info", "json")
	if err != nil {
		t.Fatal(err)
	}
	cfg := &serveConfig{addr: "127.0.0.1:0", clients: clients, demoData: true, store: "memory", workers: 2,
		rate: 0.001, burst: 40, metricsAddr: "127.0.0.1:0"}
	addr, stop := runServeLogged(t, cfg, log)
	t.Cleanup(stop)
	metricsAddr := logged(t, logs, "serving metrics", "addr")
	t.Setenv("GDPR_API_URL", "http://"+addr)
	t.Setenv("GDPR_API_REGION", "")
	t.Setenv("GDPR_CLIENT_ID", "ops")
	t.Setenv("GDPR_CLIENT_SECRET", "a-long-test-secret")
	t.Setenv("GDPR_TOKEN", "")

	for _, args := range [][]string{
		{"request", "create", "--wait", "--type", "GDPR_EXPORT", "--term", "EMAIL=" + demo.LenaFischerEmail},
		{"request", "create", "--wait", "--type", "GDPR_DELETE", "--delete-confirmed", "--term", "EMAIL=" + demo.SamRiveraEmail},
	} {
		if code, out, errOut := runCmd(t, context.Background(), args...); code != 0 {
			t.Fatalf("%q: exit %d\n%s%s", args, code, out, errOut)
		}
	}
	resp, err := tokenRequest(addr, "wrong-secret-of-some-length")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// Raw reads with a token, without the client's retries, until the
	// organization's burst is spent.
	token := bearer(t, addr)
	limited := false
	for i := 0; i < 60 && !limited; i++ {
		req, _ := http.NewRequest("GET", "http://"+addr+"/api/v2/gdpr/requests", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		limited = resp.StatusCode == http.StatusTooManyRequests
	}

	m := scrape(t, "http://"+metricsAddr+"/metrics")
	for name, want := range map[string]float64{
		`gdpr_requests_created_total{type="GDPR_EXPORT"}`:                     1,
		`gdpr_requests_created_total{type="GDPR_DELETE"}`:                     1,
		`gdpr_requests_finished_total{status="COMPLETED",type="GDPR_EXPORT"}`: 1,
		`gdpr_requests_finished_total{status="COMPLETED",type="GDPR_DELETE"}`: 1,
		`gdpr_request_duration_seconds_count{type="GDPR_EXPORT"}`:             1,
		`gdpr_token_failures_total`:                                           1,
		`gdpr_requests_overdue`:                                               0,
		`gdpr_requests_due_within_24h`:                                        0,
		`gdpr_requests_open`:                                                  0,
		`gdpr_queue_depth`:                                                    0,
		`gdpr_queue_oldest_unclaimed_seconds`:                                 0,
		`gdpr_store_up`:                                                       1,
		`gdpr_step_failures_total{adapter="crm"}`:                             -1, // absent: no step failed
	} {
		got, ok := m[name]
		switch {
		case want < 0 && ok:
			t.Errorf("%s = %v, want absent", name, got)
		case want >= 0 && (!ok || got != want):
			t.Errorf("%s = %v (present %v), want %v", name, got, ok, want)
		}
	}
	for _, a := range []string{"directory", "crm", "dialer"} {
		if m[`gdpr_step_attempts_total{adapter="`+a+`"}`] < 2 || m[`gdpr_adapter_call_duration_seconds_count{adapter="`+a+`"}`] < 2 {
			t.Errorf("adapter %s: attempts %v, calls %v; want 2 or more (one per request)", a,
				m[`gdpr_step_attempts_total{adapter="`+a+`"}`], m[`gdpr_adapter_call_duration_seconds_count{adapter="`+a+`"}`])
		}
	}
	if limited && m[`gdpr_rate_limited_total{org="acme"}`] < 1 {
		t.Errorf("429s answered but gdpr_rate_limited_total{org=\"acme\"} = %v", m[`gdpr_rate_limited_total{org="acme"}`])
	}
	if !limited {
		t.Errorf("no 429 in a burst over the limit")
	}
	// --log-format json: the processor's line about a created request
	// carries its id and the correlation id of the API call.
	if logged(t, logs, "request created", "request") == "" || logged(t, logs, "request created", "correlation") == "" {
		t.Error("request created: no request or correlation id")
	}
	for k := range m {
		if strings.Contains(k, "@") || strings.Contains(k, demo.SamRivera) {
			t.Errorf("personal data in a metric: %s", k)
		}
	}
}

// bearer gets a token of the test's client from the server at addr.
func bearer(t *testing.T, addr string) string {
	t.Helper()
	resp, err := tokenRequest(addr, "a-long-test-secret")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token: %d %v", resp.StatusCode, err)
	}
	return tok.AccessToken
}

// tokenRequest asks the server at addr for a token of client ops.
func tokenRequest(addr, secret string) (*http.Response, error) {
	req, _ := http.NewRequest("POST", "http://"+addr+"/oauth/token", strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("ops", secret)
	return http.DefaultClient.Do(req)
}

// logged finds the first JSON log line with msg and returns its key.
func logged(t *testing.T, logs *syncBuffer, msg, key string) string {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	for sc.Scan() {
		var line map[string]any
		if json.Unmarshal(sc.Bytes(), &line) == nil && line["msg"] == msg {
			if s, ok := line[key].(string); ok {
				return s
			}
		}
	}
	t.Fatalf("no log line %q with %s in:\n%s", msg, key, logs.String())
	return ""
}

var sample = regexp.MustCompile(`^([a-zA-Z0-9_:]+(?:\{[^}]*\})?) (\S+)$`)

// scrape reads the metrics at u into series name (with labels) → value.
func scrape(t *testing.T, u string) map[string]float64 {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", u, resp.StatusCode, b)
	}
	m := map[string]float64{}
	for _, line := range strings.Split(string(b), "\n") {
		if s := sample.FindStringSubmatch(line); s != nil {
			v, err := strconv.ParseFloat(s[2], 64)
			if err == nil {
				m[s[1]] = v
			}
		}
	}
	return m
}
