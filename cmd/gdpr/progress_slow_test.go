package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/dsr"
	"github.com/gdprkit/gdpr/internal/demo"
)

// TestProgressCreatedLine: the line shown while a request is created
// names it once the server answers, with a line of its own saying so.
func TestProgressCreatedLine(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	p := &progress{w: &buf, now: func() time.Time { return now }, text: "waiting for the server"}
	p.start = now
	p.show()
	now = now.Add(2 * time.Second)
	p.created(&gdpr.Request{ID: "r1", Status: gdpr.StatusInitiated})
	want := "[0s] new request: waiting for the server\n" +
		"created request r1 (INITIATED)\n" +
		"[2s] request r1: waiting for the server\n"
	if got := buf.String(); got != want {
		t.Errorf("plain: got\n%s\nwant\n%s", got, want)
	}

	buf.Reset()
	p = &progress{w: &buf, tty: true, width: 80, now: func() time.Time { return now }, text: "waiting for the server"}
	p.start = now
	p.show()
	p.created(&gdpr.Request{ID: "r1", Status: gdpr.StatusInitiated})
	want = "\r[0s] new request: waiting for the server\x1b[K" +
		"\rcreated request r1 (INITIATED)\x1b[K\n" +
		"\r[0s] request r1: waiting for the server\x1b[K"
	if got := buf.String(); got != want {
		t.Errorf("terminal: got %q\nwant %q", got, want)
	}
}

// TestDSARProgressPlainLines: off a terminal, gdpr dsar prints a line at
// once, then one line per change of any of its requests.
func TestDSARProgressPlainLines(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	p := &progress{w: &buf, now: func() time.Time { return now }, label: "DSR d1", text: "submitting 2 requests, waiting for the server"}
	p.start = now
	p.show()
	first := dsr.Progress{Request: dsr.ReportItem{RequestID: "r1", Status: gdpr.StatusSearching}, Done: 0, Total: 2}
	now = now.Add(time.Second)
	p.setText(progressLine(first))
	p.setText(progressLine(first))
	now = now.Add(time.Second)
	p.setText(progressLine(dsr.Progress{Request: dsr.ReportItem{RequestID: "r1", Status: gdpr.StatusCompleted}, Done: 1, Total: 2}))
	p.stop()
	got := buf.String()
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 3 || lines[0] != "[0s] DSR d1: submitting 2 requests, waiting for the server" ||
		!strings.HasPrefix(lines[1], "[1s] DSR d1: [0/2 done] request r1 for ") || !strings.HasSuffix(lines[1], ": SEARCHING") ||
		!strings.HasPrefix(lines[2], "[2s] DSR d1: [1/2 done] request r1 for ") || !strings.HasSuffix(lines[2], ": COMPLETED") {
		t.Errorf("got\n%s", got)
	}
}

// TestDSARProgressTerminalLine: on a terminal, gdpr dsar keeps one line
// up to date, cut to the width.
func TestDSARProgressTerminalLine(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	p := &progress{w: &buf, tty: true, width: 40, now: func() time.Time { return now }, label: "DSR d1", text: "submitting 2 requests, waiting for the server"}
	p.start = now
	p.show()
	p.setText(progressLine(dsr.Progress{Request: dsr.ReportItem{RequestID: "r1", Status: gdpr.StatusCompleted}, Done: 1, Total: 2}))
	got := buf.String()
	if strings.Count(got, "\r") != 2 || strings.Contains(got, "\n") || !strings.Contains(got, "\x1b[K") {
		t.Errorf("not one redrawn line: %q", got)
	}
	for _, line := range strings.Split(got, "\r")[1:] {
		if n := len([]rune(strings.TrimSuffix(line, "\x1b[K"))); n >= 40 || !strings.HasPrefix(line, "[0s] DSR d1: ") {
			t.Errorf("line of %d runes on a 40-column terminal: %q", n, line)
		}
	}
}

// holdCreates serves the API at addr through a proxy that holds every
// create (POST /api/v2/gdpr/requests) until release is closed, and
// counts the creates it holds.
func holdCreates(t *testing.T, addr string, release <-chan struct{}) (string, *atomic.Int32) {
	t.Helper()
	u, err := url.Parse("http://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	held := new(atomic.Int32)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/api/v2/gdpr/requests" {
			held.Add(1)
			select {
			case <-release:
			case <-r.Context().Done():
				return
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, held
}

// TestProgressWhileTheServerIsSlowToCreate: request create --wait and
// gdpr dsar show a line while the server holds their create, before it
// answers; once it does, they follow the request to its end.
func TestProgressWhileTheServerIsSlowToCreate(t *testing.T) {
	addr, stop := runServe(t, &serveConfig{addr: "127.0.0.1:0", clients: writeClients(t, "ops", "a-long-test-secret"),
		demoData: true, store: "memory", workers: 2, rate: 100, burst: 100})
	t.Cleanup(stop)
	t.Setenv("GDPR_API_REGION", "")
	t.Setenv("GDPR_CLIENT_ID", "ops")
	t.Setenv("GDPR_CLIENT_SECRET", "a-long-test-secret")
	t.Setenv("GDPR_TOKEN", "")
	for _, tc := range []struct {
		name     string
		args     []string
		waiting  string // shown while the create is held
		finished string // shown once the request ended
	}{{
		name:     "request create --wait",
		args:     []string{"request", "create", "--wait", "--type", "GDPR_EXPORT", "--term", "EMAIL=" + demo.LenaFischerEmail},
		waiting:  "new request: waiting for the server",
		finished: ": COMPLETED",
	}, {
		name:     "dsar",
		args:     []string{"dsar", "--email", demo.LenaFischerEmail, "--type", "export"},
		waiting:  ": submitting 1 request, waiting for the server",
		finished: "[1/1 done]",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			release := make(chan struct{})
			base, held := holdCreates(t, addr, release)
			t.Setenv("GDPR_API_URL", base)
			out, errOut := &syncBuffer{}, &syncBuffer{}
			done := make(chan int, 1)
			go func() { done <- run(context.Background(), tc.args, strings.NewReader(""), out, errOut) }()
			deadline := time.Now().Add(10 * time.Second)
			for held.Load() == 0 || !strings.Contains(errOut.String(), tc.waiting) {
				if time.Now().After(deadline) {
					close(release)
					t.Fatalf("nothing shown while the server holds the create (%d held): %q", held.Load(), errOut.String())
				}
				time.Sleep(5 * time.Millisecond)
			}
			if s := errOut.String(); strings.Contains(s, "created request") || strings.Contains(s, "done]") {
				t.Errorf("a create the server holds is shown as answered: %q", s)
			}
			close(release)
			if code := <-done; code != exitOK {
				t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
			}
			s := errOut.String()
			if i, j := strings.Index(s, tc.waiting), strings.LastIndex(s, tc.finished); j < 0 || j < i {
				t.Errorf("stderr does not show the wait, then the end (%q):\n%s", tc.finished, s)
			}
		})
	}
}
