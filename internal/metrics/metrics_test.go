package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/internal/metrics"
	"github.com/gdprkit/gdpr/server"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/memstore"
)

// TestQueueGauges reads the open requests of two organizations at
// scrape time: one overdue, one due within 24 hours, two ready and
// unclaimed (the oldest waiting 10 minutes), one held by a worker, one
// finished.
func TestQueueGauges(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	st := memstore.New()
	add := func(org, id string, status gdpr.Status, due, next time.Time, lease string) {
		t.Helper()
		job := &store.Job{Org: org, NextRun: next, LeaseToken: lease,
			Request: gdpr.Request{ID: id, RequestType: gdpr.RequestDelete, Status: status, CreatedDate: gdpr.NewTime(now.Add(-time.Hour)), DueDate: gdpr.NewTime(due)}}
		if lease != "" {
			job.LeaseUntil = now.Add(time.Minute)
		}
		if _, _, err := st.Create(ctx, job, store.Event{Org: org, RequestID: id, Time: now, Type: "created", Status: status}); err != nil {
			t.Fatal(err)
		}
	}
	add("acme", "overdue", gdpr.StatusInitiated, now.Add(-time.Hour), now.Add(time.Hour), "")
	add("acme", "soon", gdpr.StatusInitiated, now.Add(3*time.Hour), now.Add(-10*time.Minute), "")
	add("beta", "ready", gdpr.StatusInitiated, now.Add(72*time.Hour), now.Add(-time.Minute), "")
	add("beta", "held", gdpr.StatusSearching, now.Add(72*time.Hour), now.Add(-time.Hour), "worker-1")
	add("beta", "done", gdpr.StatusCompleted, now.Add(-time.Hour), now.Add(-time.Hour), "")

	m := metrics.New(st, []string{"acme", "beta"}, func() time.Time { return now })
	m.Stored(gdpr.RequestDelete, now.Add(-2*time.Hour), []store.Event{{Type: "created"}, {Type: "status", Status: gdpr.StatusError, Time: now}})
	m.AdapterCalled("crm", 20*time.Millisecond, errors.New("connection reset"))
	m.AdapterCalled("crm", 10*time.Millisecond, nil)
	m.Response(server.Response{Method: "GET", Path: "/api/v2/gdpr/requests", Status: 429, Org: "acme"})
	m.Response(server.Response{Method: "POST", Path: "/oauth/token", Status: 401})

	body := get(t, m)
	for _, want := range []string{
		"gdpr_requests_open 4\n",
		"gdpr_requests_overdue 1\n",
		"gdpr_requests_due_within_24h 1\n",
		"gdpr_queue_depth 2\n",
		"gdpr_queue_oldest_unclaimed_seconds 600\n",
		"gdpr_store_up 1\n",
		`gdpr_requests_created_total{type="GDPR_DELETE"} 1` + "\n",
		`gdpr_requests_finished_total{status="ERROR",type="GDPR_DELETE"} 1` + "\n",
		`gdpr_request_duration_seconds_sum{type="GDPR_DELETE"} 7200` + "\n",
		`gdpr_step_attempts_total{adapter="crm"} 2` + "\n",
		`gdpr_step_failures_total{adapter="crm"} 1` + "\n",
		`gdpr_adapter_call_duration_seconds_count{adapter="crm"} 2` + "\n",
		`gdpr_rate_limited_total{org="acme"} 1` + "\n",
		"gdpr_token_failures_total 1\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func get(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	if rec.Code != 200 {
		t.Fatalf("GET /metrics: %d %s", rec.Code, b)
	}
	return string(b)
}
