package console

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gdprkit/gdpr/internal/demo"
)

// countingBudget counts the calls each organization takes.
type countingBudget struct {
	mu    sync.Mutex
	taken map[string]int
}

func (b *countingBudget) WaitBudget(ctx context.Context, org string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.taken[org]++
	return nil
}

// Every search of a DSR the console resolves draws on the organization's
// budget, as the API's searches do.
func TestConsoleSearchesDrawOnTheOrganizationsBudget(t *testing.T) {
	t.Parallel()
	b := &countingBudget{taken: map[string]int{}}
	rg := newRig(t, false, WithRateBudget(b))
	o := rg.officer(t)
	csrf := o.mustSignIn(opsID, opsSecret)
	o.resolve(csrf, url.Values{"emails": {demo.SamRiveraEmail + "\nnobody@example.com\nother@example.com"}})
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.taken["acme"] < 3 || len(b.taken) != 1 {
		t.Errorf("budget taken %v, want 3 or more calls of acme for 3 emails", b.taken)
	}
}

// A DSR form past the cap on identifiers is refused, saying so, and
// searches nothing.
func TestDSRFormIdentifiersAreCapped(t *testing.T) {
	t.Parallel()
	b := &countingBudget{taken: map[string]int{}}
	rg := newRig(t, false, WithRateBudget(b), WithMaxIdentifiers(5))
	o := rg.officer(t)
	csrf := o.mustSignIn(opsID, opsSecret)
	var emails []string
	for i := range 6 {
		emails = append(emails, fmt.Sprintf("person%d@example.com", i))
	}
	r := o.post(Path+"dsr/new", url.Values{"csrf": {csrf}, "emails": {strings.Join(emails, "\n")}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "at most 5") {
		t.Fatalf("6 identifiers with a cap of 5: %d\n%s", r.status, r.body)
	}
	if len(b.taken) != 0 {
		t.Errorf("a refused form searched: %v", b.taken)
	}
}

// gatedBudget lets calls through only once opened.
type gatedBudget struct{ open chan struct{} }

func (b gatedBudget) WaitBudget(ctx context.Context, org string) error {
	select {
	case <-b.open:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// A DSR whose searches wait for the organization's rate shows their
// progress, refreshed, and then who they found.
func TestDSRWaitingForTheRateShowsProgress(t *testing.T) {
	t.Parallel()
	b := gatedBudget{open: make(chan struct{})}
	rg := newRig(t, false, WithRateBudget(b))
	rg.con.resolveWait = 0
	o := rg.officer(t)
	csrf := o.mustSignIn(opsID, opsSecret)
	page := o.resolve(csrf, url.Values{"emails": {demo.SamRiveraEmail + "\nnobody@example.com"}})
	r := o.get(page)
	if r.status != http.StatusOK || !strings.Contains(r.body, "0 of 2 identifiers searched") || !strings.Contains(r.body, "data-refresh") {
		t.Fatalf("the draft while its searches wait: %d\n%s", r.status, r.body)
	}
	if r := o.post(page+"/plan", url.Values{"csrf": {csrf}, "type": {"GDPR_EXPORT"}}); r.status != http.StatusSeeOther || r.location != page {
		t.Errorf("planning while searching: %d to %q, want back to the draft", r.status, r.location)
	}
	close(b.open)
	deadline := time.Now().Add(30 * time.Second)
	for {
		r = o.get(page)
		if strings.Contains(r.body, "Who the identifiers found") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the searches did not end:\n%s", r.body)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
