package processor

import (
	"fmt"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
)

// TestLifecycle checks every move of every request type, and that no
// other move happens.
func TestLifecycle(t *testing.T) {
	t.Parallel()
	const (
		initiated  = gdpr.StatusInitiated
		searching  = gdpr.StatusSearching
		updating   = gdpr.StatusUpdating
		deleting   = gdpr.StatusDeleting
		finalizing = gdpr.StatusFinalizing
		completed  = gdpr.StatusCompleted
		failed     = gdpr.StatusError
	)
	type move struct {
		from gdpr.Status
		on   trigger
	}
	// The moves every type makes, with work the status of its steps.
	common := func(work gdpr.Status) map[move]gdpr.Status {
		return map[move]gdpr.Status{
			{initiated, claimed}:        searching,
			{searching, searched}:       work,
			{work, stepsDone}:           finalizing,
			{work, stepsFailed}:         work,       // failed steps run again after a backoff
			{work, attemptsSpent}:       failed,     // retries spent
			{work, interrupted}:         work,       // resumed by the next claim
			{work, parked}:              work,       // waiting steps looked at later
			{finalizing, finalized}:     completed,  // packed, verified or ended
			{finalizing, stepsFailed}:   work,       // verification or packing failed
			{finalizing, attemptsSpent}: failed,     // ... with retries spent
			{finalizing, interrupted}:   finalizing, // the next claim finalizes
			{finalizing, partsLost}:     work,       // an export part was not stored
			{failed, retried}:           initiated,  // Retry resumes where it stopped
		}
	}
	want := map[gdpr.RequestType]map[move]gdpr.Status{
		gdpr.RequestExport: common(searching),
		gdpr.RequestUpdate: common(updating),
		gdpr.RequestDelete: common(deleting),
	}
	for _, typ := range gdpr.RequestTypes() {
		for _, from := range gdpr.Statuses() {
			for on := range trigger(len(triggerNames)) {
				t.Run(fmt.Sprintf("%s/%s/%s", typ, from, on), func(t *testing.T) {
					wantTo, wantOK := want[typ][move{from, on}]
					to, ok := next(from, typ, on)
					if ok != wantOK || ok && to != wantTo {
						t.Errorf("next(%s, %s, %s) = %s, %v; want %s, %v", from, typ, on, to, ok, wantTo, wantOK)
					}
				})
			}
		}
	}
}

// TestLifecycleFollowsTheWire walks each type from INITIATED to
// COMPLETED through a failure, a verification or packing failure, spent
// retries and a Retry.
func TestLifecycleFollowsTheWire(t *testing.T) {
	t.Parallel()
	path := []trigger{claimed, searched, stepsFailed, stepsDone, stepsFailed, attemptsSpent,
		retried, claimed, searched, stepsDone, finalized}
	for _, c := range []struct {
		typ  gdpr.RequestType
		want string
	}{
		{gdpr.RequestExport, "INITIATED SEARCHING SEARCHING SEARCHING FINALIZING SEARCHING ERROR INITIATED SEARCHING SEARCHING FINALIZING COMPLETED"},
		{gdpr.RequestUpdate, "INITIATED SEARCHING UPDATING UPDATING FINALIZING UPDATING ERROR INITIATED SEARCHING UPDATING FINALIZING COMPLETED"},
		{gdpr.RequestDelete, "INITIATED SEARCHING DELETING DELETING FINALIZING DELETING ERROR INITIATED SEARCHING DELETING FINALIZING COMPLETED"},
	} {
		s := gdpr.StatusInitiated
		got := string(s)
		for _, on := range path {
			to, ok := next(s, c.typ, on)
			if !ok {
				t.Fatalf("%s: no move from %s on %s", c.typ, s, on)
			}
			s = to
			got += " " + string(s)
		}
		if got != c.want {
			t.Errorf("%s went\n%s\nwant\n%s", c.typ, got, c.want)
		}
	}
}

// TestBackoff checks that the wait before a failed step's next attempt
// doubles from the base and stops at the cap.
func TestBackoff(t *testing.T) {
	t.Parallel()
	p := &Processor{cfg: config{retry: gdpr.RetryPolicy{MinWait: time.Second, MaxWait: 5 * time.Minute}}}
	for n, want := range map[int]time.Duration{
		1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 9: 256 * time.Second, 10: 5 * time.Minute, 50: 5 * time.Minute,
	} {
		if got := p.backoff(n); got != want {
			t.Errorf("backoff after %d failures = %v, want %v", n, got, want)
		}
	}
}
