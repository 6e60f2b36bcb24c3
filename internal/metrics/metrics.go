package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/server"
	"github.com/gdprkit/gdpr/store"
)

// Metrics collects the metrics of one gdpr serve process. Its methods are
// safe for concurrent use.
type Metrics struct {
	reg      *prometheus.Registry
	created  *prometheus.CounterVec
	finished *prometheus.CounterVec
	duration *prometheus.HistogramVec
	attempts *prometheus.CounterVec
	failures *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	limited  *prometheus.CounterVec
	tokens   prometheus.Counter
}

var (
	_ processor.Observer = (*Metrics)(nil)
)

// New returns the metrics of a server whose requests st holds for the
// organizations orgs (read at each scrape), with the Go runtime's and
// the process's own metrics. now is the clock of due dates (nil:
// time.Now).
func New(st store.Store, orgs []string, now func() time.Time) *Metrics {
	if now == nil {
		now = time.Now
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		created: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gdpr_requests_created_total", Help: "Requests created, by type.",
		}, []string{"type"}),
		finished: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gdpr_requests_finished_total", Help: "Requests that reached a final status (COMPLETED or ERROR), by type and status.",
		}, []string{"type", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gdpr_request_duration_seconds", Help: "Time from a request's creation to its final status, by type.",
			Buckets: []float64{1, 10, 60, 600, 3600, 6 * 3600, 86400, 2 * 86400, 7 * 86400, 14 * 86400, 30 * 86400},
		}, []string{"type"}),
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gdpr_step_attempts_total", Help: "Runs of a request's step, by adapter.",
		}, []string{"adapter"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gdpr_step_failures_total", Help: "Failed runs of a request's step (each is retried until its attempts are spent), by adapter.",
		}, []string{"adapter"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gdpr_adapter_call_duration_seconds", Help: "Time an adapter took over one step, by adapter.",
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 10),
		}, []string{"adapter"}),
		limited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gdpr_rate_limited_total", Help: "Answers 429 (rate limited), by organization (\"\" for limits by address).",
		}, []string{"org"}),
		tokens: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gdpr_token_failures_total", Help: "Token requests refused (wrong client credentials or bad requests).",
		}),
	}
	m.reg.MustRegister(m.created, m.finished, m.duration, m.attempts, m.failures, m.latency, m.limited, m.tokens,
		&queue{st: st, orgs: orgs, now: now},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Stored counts created and finished requests from their audit events,
// and the time each took; it is a processor.Observer.
func (m *Metrics) Stored(typ gdpr.RequestType, created time.Time, evs []store.Event) {
	for _, ev := range evs {
		switch {
		case ev.Type == "created":
			m.created.WithLabelValues(string(typ)).Inc()
		case ev.Type == "status" && ev.Status.Done():
			m.finished.WithLabelValues(string(typ), string(ev.Status)).Inc()
			if !created.IsZero() {
				m.duration.WithLabelValues(string(typ)).Observe(max(0, ev.Time.Sub(created).Seconds()))
			}
		}
	}
}

// AdapterCalled counts a step's run and its failure, and its latency; it
// is a processor.Observer.
func (m *Metrics) AdapterCalled(adapter string, took time.Duration, err error) {
	m.attempts.WithLabelValues(adapter).Inc()
	if err != nil {
		m.failures.WithLabelValues(adapter).Inc()
	}
	m.latency.WithLabelValues(adapter).Observe(took.Seconds())
}

// Response counts 429s by organization and refused tokens; give it to
// server.WithObserver.
func (m *Metrics) Response(r server.Response) {
	switch {
	case r.Status == http.StatusTooManyRequests:
		m.limited.WithLabelValues(r.Org).Inc()
	case r.Path == "/oauth/token" && r.Status >= 400:
		m.tokens.Inc()
	}
}
