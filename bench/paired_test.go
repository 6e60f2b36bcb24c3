package bench

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// pairedRound is how many requests each server answers in one round of
// BenchmarkServerOverBare.
const pairedRound = 1024

// BenchmarkServerOverBare is BenchmarkServerSearchSubjects and
// BenchmarkBareHandlerSameJSON side by side: each op is one search sent to
// each, by 64 concurrent clients, in rounds of 1,024 that alternate
// between the two servers. It reports each one's throughput and p99
// (server-req/s, bare-req/s, server-p99-µs, bare-p99-µs) and the ratio of
// their throughputs (server/bare). Alternating keeps a load that changes
// during the run, on a shared machine, from favouring either.
func BenchmarkServerOverBare(b *testing.B) {
	srv, token := demoServer(b)
	bare := bareServer(b, searchBody(b, srv, token))
	server := newLoader(srv.URL+searchPath, token)
	baseline := newLoader(bare.URL+searchPath, "")
	defer server.close()
	defer baseline.close()
	b.ResetTimer()
	for done, i := 0, 0; done < b.N; i++ {
		n := min(pairedRound, b.N-done)
		first, second := server, baseline
		if i%2 == 1 {
			first, second = baseline, server
		}
		if err := first.round(n); err != nil {
			b.Fatal(err)
		}
		if err := second.round(n); err != nil {
			b.Fatal(err)
		}
		done += n
	}
	b.StopTimer()
	b.ReportMetric(server.perSecond(), "server-req/s")
	b.ReportMetric(baseline.perSecond(), "bare-req/s")
	b.ReportMetric(server.perSecond()/baseline.perSecond(), "server/bare")
	b.ReportMetric(server.p99(), "server-p99-µs")
	b.ReportMetric(baseline.p99(), "bare-p99-µs")
}

// A loader sends rounds of GETs of one URL from 64 concurrent clients and
// keeps their latencies and the time the rounds took.
type loader struct {
	c          *http.Client
	tr         *http.Transport
	url, token string
	lat        []time.Duration
	busy       time.Duration
}

func newLoader(url, token string) *loader {
	tr := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients}
	return &loader{c: &http.Client{Transport: tr}, tr: tr, url: url, token: token}
}

func (l *loader) close() { l.tr.CloseIdleConnections() }

// round sends n GETs and waits for every answer; any answer but 200 is an
// error.
func (l *loader) round(n int) error {
	var next atomic.Int64
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Go(func() {
			mine := make([]time.Duration, 0, n/clients+1)
			defer func() {
				mu.Lock()
				l.lat = append(l.lat, mine...)
				mu.Unlock()
			}()
			for next.Add(1) <= int64(n) {
				d, err := l.get()
				if err != nil {
					mu.Lock()
					first = cmp.Or(first, err)
					mu.Unlock()
					return
				}
				mine = append(mine, d)
			}
		})
	}
	wg.Wait()
	l.busy += time.Since(start)
	return first
}

// get sends one GET and returns how long its answer took.
func (l *loader) get() (time.Duration, error) {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, l.url, nil)
	if err != nil {
		return 0, err
	}
	if l.token != "" {
		req.Header.Set("Authorization", "Bearer "+l.token)
	}
	t0 := time.Now()
	resp, err := l.c.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("bench: %s answered %d", l.url, resp.StatusCode)
	}
	return time.Since(t0), nil
}

// perSecond is the requests answered per second of the rounds.
func (l *loader) perSecond() float64 { return float64(len(l.lat)) / l.busy.Seconds() }

// p99 is the 99th percentile latency in microseconds.
func (l *loader) p99() float64 {
	if len(l.lat) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(l.lat))
	return float64(s[len(s)*99/100].Microseconds())
}
