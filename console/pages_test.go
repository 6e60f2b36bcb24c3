package console

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/dsr"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/processor"
)

func TestListShowsTimeLeftMarksOverdueFiltersAndPages(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	rg := startRig(t, rigConfig{idle: true, procOpts: []processor.Option{processor.WithClock(clock.Now)}},
		WithClock(clock.Now), WithSessionLifetime(30*24*time.Hour, 30*24*time.Hour))
	acme := gdpr.ContextWithOrganization(context.Background(), "acme")
	for i := range 30 {
		if _, err := rg.proc.CreateRequest(acme, gdpr.RequestSpec{Type: gdpr.RequestExport,
			Subject: gdpr.Subject{EmailAddresses: []string{fmt.Sprintf("person%d@example.com", i)}}}); err != nil {
			t.Fatal(err)
		}
	}
	o := rg.officer(t)
	o.mustSignIn(opsID, opsSecret)

	clock.Advance(time.Hour)
	page := o.get(Path + "requests")
	if strings.Count(page.body, "<tr>")+strings.Count(page.body, `<tr class="overdue">`) != 26 || !strings.Contains(page.body, "1d 23h left") ||
		strings.Contains(page.body, "overdue-label") {
		t.Fatalf("page 1, an hour after creation: want 25 rows with 1d 23h left, none overdue\n%s", page.body)
	}
	if !strings.Contains(page.body, "30 requests, page 1 of 2") || !strings.Contains(page.body, `rel="next" href="/console/requests?page=2"`) {
		t.Fatalf("page 1 does not say 30 requests in 2 pages with a link to the next:\n%s", page.body)
	}

	clock.Advance(3 * 24 * time.Hour)
	page = o.get(Path + "requests?page=2")
	if got := strings.Count(page.body, `<tr class="overdue">`); got != 5 || !strings.Contains(page.body, `<strong class="overdue-label">overdue by 1d 1h</strong>`) ||
		!strings.Contains(page.body, `rel="prev"`) {
		t.Fatalf("page 2, past the due date: %d overdue rows; want 5, overdue by 1d 1h, and a link back\n%s", got, page.body)
	}
	for _, c := range []struct {
		status string
		want   string
	}{
		{filterOverdue, "Overdue: 30 requests"},
		{filterOpen, "Open (not final): 30 requests"},
		{"INITIATED", "INITIATED: 30 requests"},
		{"COMPLETED", "COMPLETED: 0 requests"},
	} {
		r := o.get(Path + "requests?status=" + c.status)
		if r.status != http.StatusOK || !strings.Contains(r.body, c.want) || !strings.Contains(r.body, `value="`+c.status+`" selected`) {
			t.Errorf("filter %s: %d; want %q with the filter selected", c.status, r.status, c.want)
		}
	}
	if r := o.get(Path + "requests?status=LOST"); r.status != http.StatusBadRequest {
		t.Errorf("an unknown filter: %d; want 400", r.status)
	}
}

// flaky is a data store whose exports fail while failing is set.
type flaky struct {
	*memadapter.Adapter
	failing atomic.Bool
}

func (f *flaky) Export(ctx context.Context, op adapter.Op, terms []gdpr.Term, emit func(adapter.Record) error) error {
	if f.failing.Load() {
		return errors.New("the data store is down for maintenance")
	}
	return f.Adapter.Export(ctx, op, terms, emit)
}

func TestFailedRequestShowsItsErrorAndRetries(t *testing.T) {
	t.Parallel()
	mems, err := demo.Adapters()
	if err != nil {
		t.Fatal(err)
	}
	crm := &flaky{Adapter: mems[1]}
	crm.failing.Store(true)
	rg := startRig(t, rigConfig{adapters: []adapter.Adapter{mems[0], crm, mems[2]},
		procOpts: []processor.Option{processor.WithRetry(gdpr.RetryPolicy{Attempts: 2, MinWait: time.Millisecond, MaxWait: time.Millisecond})}})
	o := rg.officer(t)
	csrf := o.mustSignIn(opsID, opsSecret)
	o.submitExport(csrf, demo.AlexMorganLondonEmail)
	reqs := requestsOf(t, rg.proc, "acme")
	if len(reqs) != 1 {
		t.Fatalf("%d requests; want 1", len(reqs))
	}
	id := reqs[0].ID
	if got := waitFor(t, rg.proc, "acme", id); got.Status != gdpr.StatusError {
		t.Fatalf("the request with a failing data store ended %s", got.Status)
	}
	detail := o.get(Path + "requests/" + id)
	for _, want := range []string{"down for maintenance", `id="retry"`, "<td>2</td>", "ERROR"} {
		if !strings.Contains(detail.body, want) {
			t.Errorf("the failed request's page lacks %q", want)
		}
	}

	crm.failing.Store(false)
	if r := o.post(Path+"requests/"+id+"/retry", url.Values{"csrf": {csrf}}); r.status != http.StatusSeeOther || r.location != Path+"requests/"+id {
		t.Fatalf("retry: %d %s\n%s", r.status, r.location, r.body)
	}
	if got := waitFor(t, rg.proc, "acme", id); got.Status != gdpr.StatusCompleted {
		t.Fatalf("after the retry the request is %s", got.Status)
	}
	detail = o.get(Path + "requests/" + id)
	if !strings.Contains(detail.body, "<td>retry</td>") || !strings.Contains(detail.body, `id="download"`) || strings.Contains(detail.body, `id="retry"`) {
		t.Fatalf("after the retry the page does not show the retry event and the download:\n%s", detail.body)
	}
	if r := o.post(Path+"requests/"+id+"/retry", url.Values{"csrf": {csrf}}); r.status != http.StatusConflict {
		t.Fatalf("retrying a completed request: %d; want 409", r.status)
	}
	export := o.get(Path + "requests/" + id + "/export")
	if export.status != http.StatusOK || !strings.Contains(export.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export download: %d %v", export.status, export.header)
	}
	checkZip(t, []byte(export.body))
}

func TestTimeLeft(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		due     time.Time
		status  gdpr.Status
		want    string
		overdue bool
	}{
		{now.Add(49*time.Hour + 5*time.Minute), gdpr.StatusSearching, "2d 1h left", false},
		{now.Add(90 * time.Minute), gdpr.StatusInitiated, "1h 30m left", false},
		{now.Add(20 * time.Second), gdpr.StatusInitiated, "1m left", false},
		{now.Add(-3 * time.Hour), gdpr.StatusDeleting, "overdue by 3h 0m", true},
		{now.Add(-3 * time.Hour), gdpr.StatusCompleted, "", false},
		{now.Add(-3 * time.Hour), gdpr.StatusError, "", false},
	} {
		got, overdue := timeLeft(now, &gdpr.Request{Status: c.status, DueDate: gdpr.NewTime(c.due)})
		if got != c.want || overdue != c.overdue {
			t.Errorf("due %v, %s: %q %v; want %q %v", c.due.Sub(now), c.status, got, overdue, c.want, c.overdue)
		}
	}
}

// A DSR the officer gives no reference for is named by an id derived from
// the person's identifiers under the console's key: nobody without the
// key can test the name, or the idempotency keys, against a guessed email.
func TestDerivedDSRIDsAreKeyed(t *testing.T) {
	t.Parallel()
	key := []byte("a DSR key of 32 bytes or more, for the test")
	rg := newRig(t, false, WithDSRKey(key))
	o := rg.officer(t)
	csrf := o.mustSignIn(opsID, opsSecret)
	o.submitExport(csrf, demo.AlexMorganLondonEmail)
	reqs := requestsOf(t, rg.proc, "acme")
	ids := []gdpr.Term{{Kind: gdpr.KindEmail, Value: demo.AlexMorganLondonEmail}}
	if len(reqs) != 1 || reqs[0].Name != dsr.DeriveIDWithKey(key, ids) || reqs[0].Name == dsr.DeriveID(ids) {
		t.Fatalf("requests %+v; want one named %s", reqs, dsr.DeriveIDWithKey(key, ids))
	}
	if _, err := New(rg.proc, testClients(t), WithDSRKey([]byte("short"))); err == nil || !strings.Contains(err.Error(), "32 or more") {
		t.Errorf("a short DSR key: %v, want an error asking for 32 bytes or more", err)
	}
}

// submitExport resolves email, plans an export for the one subject it
// confirms and submits it, failing the test unless all of it worked.
func (o *officer) submitExport(csrf, email string) {
	o.t.Helper()
	draft := o.resolve(csrf, url.Values{"emails": {email}})
	o.post(draft+"/plan", url.Values{"csrf": {csrf}, "type": {"GDPR_EXPORT"}})
	if r := o.post(draft+"/submit", url.Values{"csrf": {csrf}, "type": {"GDPR_EXPORT"}, "subjects": {"1"}, "requests": {"1"}}); r.status != http.StatusSeeOther {
		o.t.Fatalf("submit: %d\n%s", r.status, r.body)
	}
}
