package main

import (
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/processor"
)

// TestStepTextWaiting shows a parked step as waiting on the remote
// service, with the remote requests it waits on and its next look.
func TestStepTextWaiting(t *testing.T) {
	next := gdpr.NewTime(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	got := stepText(gdpr.Step{Adapter: "genesys", State: processor.StepWaiting,
		WaitingOn: []string{"r-1", "r-2"}, WaitDetail: "1 of 2 remote requests completed", NextLook: next})
	for _, want := range []string{"WAITING", "waiting on the remote service for 2 requests [r-1 r-2]", "1 of 2 remote requests completed", "next look 2026-12-01"} {
		if !strings.Contains(got, want) {
			t.Errorf("stepText = %q, want it to contain %q", got, want)
		}
	}
	done := stepText(gdpr.Step{Adapter: "genesys", State: gdpr.StepDone, Records: 2, Outcome: &gdpr.Outcome{Erased: 2}})
	if !strings.Contains(done, "2 erased by the remote service (it decides delete or anonymize)") {
		t.Errorf("stepText = %q, want the remote's erasures counted as such", done)
	}
}
