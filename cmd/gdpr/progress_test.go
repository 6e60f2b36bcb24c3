package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/processor"
)

// TestProgressPlainLines: off a terminal, progress prints a line at once
// (before the server answers), then one line per change with the elapsed
// time, the status and each step's state; an unchanged read prints
// nothing.
func TestProgressPlainLines(t *testing.T) {
	var buf bytes.Buffer
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := &progress{w: &buf, now: func() time.Time { return now }, id: "r1", text: "waiting for the server"}
	p.start = now
	p.show()
	r := &gdpr.Request{ID: "r1", Status: gdpr.StatusDeleting, Steps: []gdpr.Step{
		{Adapter: "crm", State: gdpr.StepDone, Attempts: 1},
		{Adapter: "billing", State: gdpr.StepFailed, Attempts: 2, Error: "connection refused"},
		{Adapter: "hr", State: gdpr.StepPending},
		{Adapter: "genesys", State: processor.StepWaiting, WaitingOn: []string{"g1"}},
	}}
	now = now.Add(3 * time.Second)
	p.update(r)
	p.update(r)
	p.stop()
	want := "[0s] request r1: waiting for the server\n" +
		"[3s] request r1: DELETING, crm done, billing retrying (attempt 2 failed: connection refused), hr pending, genesys waiting on a remote (1 request)\n"
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestProgressTerminalLine: on a terminal, one line is redrawn in place
// and cut to the width.
func TestProgressTerminalLine(t *testing.T) {
	var buf bytes.Buffer
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := &progress{w: &buf, tty: true, width: 30, now: func() time.Time { return now }, id: "r1", text: "waiting for the server"}
	p.start = now
	p.show()
	p.update(&gdpr.Request{ID: "r1", Status: gdpr.StatusCompleted})
	got := buf.String()
	if strings.Count(got, "\r") != 2 || strings.Contains(got, "\n") || !strings.Contains(got, "\x1b[K") {
		t.Errorf("not one redrawn line: %q", got)
	}
	for _, line := range strings.Split(got, "\r")[1:] {
		if n := len([]rune(strings.TrimSuffix(line, "\x1b[K"))); n >= 30 {
			t.Errorf("line of %d runes on a 30-column terminal: %q", n, line)
		}
	}
}
