package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr/internal/demo"
)

// TestWorkerLinesCarryTheCorrelation creates a request through gdpr serve
// (--log-format json) and lets the workers run it after the API call
// ended: every log line about the request carries its request id and,
// once, the correlation id the call answered with.
func TestWorkerLinesCarryTheCorrelation(t *testing.T) {
	clients := writeClients(t, "ops", "a-long-test-secret")
	logs := &syncBuffer{}
	log, err := newLogFormat(logs, "info", "json")
	if err != nil {
		t.Fatal(err)
	}
	cfg := &serveConfig{addr: "127.0.0.1:0", clients: clients, demoData: true, store: "memory", workers: 2, rate: 100, burst: 100}
	addr, stop := runServeLogged(t, cfg, log)
	t.Cleanup(stop)

	body := `{"requestType":"GDPR_EXPORT","subject":{"emailAddresses":["` + demo.LenaFischerEmail + `"]}}`
	req, _ := http.NewRequest("POST", "http://"+addr+"/api/v2/gdpr/requests", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+bearer(t, addr))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var created struct{ ID string }
	err = json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	correlation := resp.Header.Get("ININ-Correlation-Id")
	if err != nil || resp.StatusCode != http.StatusAccepted || created.ID == "" || correlation == "" {
		t.Fatalf("create: %d, id %q, correlation %q, %v", resp.StatusCode, created.ID, correlation, err)
	}

	// The worker logs "request completed" once the call is long over.
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), `"msg":"request completed"`) {
		if time.Now().After(deadline) {
			t.Fatalf("the request never completed:\n%s", logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	seen := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("not a JSON line: %q", sc.Text())
		}
		if line["request"] != created.ID {
			continue
		}
		msg, _ := line["msg"].(string)
		seen[msg] = true
		if line["correlation"] != correlation {
			t.Errorf("line %q: correlation %v, want %s", msg, line["correlation"], correlation)
		}
		if n := strings.Count(sc.Text(), `"correlation"`); n != 1 {
			t.Errorf("line %q has %d correlation keys: %s", msg, n, sc.Text())
		}
	}
	for _, msg := range []string{"request created", "request completed"} {
		if !seen[msg] {
			t.Errorf("no line %q about request %s:\n%s", msg, created.ID, logs.String())
		}
	}
}
