package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gdprkit/gdpr/store"
)

// queue reads, at each scrape, the open requests of every organization
// from the Store: those overdue, those due within 24 hours, those ready
// and unclaimed, and how long the oldest of these has waited.
type queue struct {
	st   store.Store
	orgs []string
	now  func() time.Time
}

// scrapeTimeout bounds the Store reads of one scrape.
const scrapeTimeout = 5 * time.Second

var (
	overdueDesc  = prometheus.NewDesc("gdpr_requests_overdue", "Open requests past their due date.", nil, nil)
	dueSoonDesc  = prometheus.NewDesc("gdpr_requests_due_within_24h", "Open requests due within the next 24 hours.", nil, nil)
	depthDesc    = prometheus.NewDesc("gdpr_queue_depth", "Open requests ready to run that no worker holds.", nil, nil)
	oldestDesc   = prometheus.NewDesc("gdpr_queue_oldest_unclaimed_seconds", "How long the oldest ready, unclaimed request has waited for a worker (0: none waits).", nil, nil)
	storeUpDesc  = prometheus.NewDesc("gdpr_store_up", "1 when the Store answered this scrape's reads, 0 when it failed.", nil, nil)
	openReqsDesc = prometheus.NewDesc("gdpr_requests_open", "Requests not yet COMPLETED or ERROR.", nil, nil)
)

func (q *queue) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{overdueDesc, dueSoonDesc, depthDesc, oldestDesc, storeUpDesc, openReqsDesc} {
		ch <- d
	}
}

func (q *queue) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	now := q.now()
	var open, overdue, soon, depth int
	var oldest time.Duration
	for _, org := range q.orgs {
		jobs, _, err := q.st.List(ctx, org, store.Filter{Open: true})
		if err != nil {
			ch <- prometheus.MustNewConstMetric(storeUpDesc, prometheus.GaugeValue, 0)
			return
		}
		for _, j := range jobs {
			open++
			due := j.Request.DueDate.Time
			switch {
			case due.IsZero():
			case due.Before(now):
				overdue++
			case due.Before(now.Add(24 * time.Hour)):
				soon++
			}
			held := j.LeaseToken != "" && j.LeaseUntil.After(now)
			if !held && !j.NextRun.After(now) {
				depth++
				oldest = max(oldest, now.Sub(j.NextRun))
			}
		}
	}
	ch <- prometheus.MustNewConstMetric(storeUpDesc, prometheus.GaugeValue, 1)
	ch <- prometheus.MustNewConstMetric(openReqsDesc, prometheus.GaugeValue, float64(open))
	ch <- prometheus.MustNewConstMetric(overdueDesc, prometheus.GaugeValue, float64(overdue))
	ch <- prometheus.MustNewConstMetric(dueSoonDesc, prometheus.GaugeValue, float64(soon))
	ch <- prometheus.MustNewConstMetric(depthDesc, prometheus.GaugeValue, float64(depth))
	ch <- prometheus.MustNewConstMetric(oldestDesc, prometheus.GaugeValue, oldest.Seconds())
}
