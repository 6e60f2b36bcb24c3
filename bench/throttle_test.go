package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"

	"github.com/gdprkit/gdpr"
)

// serverRate is N, the requests a second the limited server allows.
const serverRate = 50

// throttleWorkers is how many goroutines share one client and send the
// requests of a throttle benchmark.
const throttleWorkers = 8

// limitedServer answers subject searches at serverRate a second, with a
// small burst for network jitter, and every request beyond that with a 429
// and Retry-After: 1, as the API does. It counts both.
type limitedServer struct {
	*httptest.Server
	ok, rejected atomic.Int64
}

func newLimitedServer(b *testing.B) *limitedServer {
	b.Helper()
	lim := rate.NewLimiter(serverRate, serverRate/5)
	tooMany, err := json.Marshal(gdpr.NewError(http.StatusTooManyRequests, "too.many.requests.retry.after",
		"Rate limit exceeded the maximum. Retry the request in [1] seconds").Body)
	if err != nil {
		b.Fatal(err)
	}
	s := &limitedServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if !lim.Allow() {
			s.rejected.Add(1)
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write(tooMany)
			return
		}
		s.ok.Add(1)
		io.WriteString(w, `{"entities":[],"pageSize":25,"pageNumber":1,"total":0,"pageCount":0}`)
	}))
	b.Cleanup(s.Close)
	return s
}

// BenchmarkThrottle sends b.N subject searches from 8 goroutines to a
// server allowing N = 50 a second, through the gdprkit client configured
// for N and through a go-retryablehttp client with its defaults (which
// retry a 429 after its Retry-After). Each reports the share of N it
// sustained in answered requests (pct-of-N), the 429s the server sent, and
// the requests that failed for good. Run it with a fixed count, such as
// -benchtime=500x: the time an op takes is the server's limit.
func BenchmarkThrottle(b *testing.B) {
	b.Run("gdpr", func(b *testing.B) {
		srv := newLimitedServer(b)
		c, err := gdpr.New(gdpr.WithBaseURL(srv.URL), gdpr.WithToken("bench-token"), gdpr.WithRate(serverRate, 1))
		if err != nil {
			b.Fatal(err)
		}
		defer c.CloseIdleConnections()
		throttled(b, srv, func(ctx context.Context) error {
			_, err := c.SearchSubjects(ctx, gdpr.KindName, "x")
			return err
		})
	})
	b.Run("retryablehttp", func(b *testing.B) {
		srv := newLimitedServer(b)
		rc := retryablehttp.NewClient()
		rc.Logger = nil
		defer rc.HTTPClient.CloseIdleConnections()
		url := srv.URL + "/api/v2/gdpr/subjects?searchType=NAME&searchValue=x"
		throttled(b, srv, func(ctx context.Context) error {
			req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				return err
			}
			req.Header.Set("Authorization", "Bearer bench-token")
			resp, err := rc.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			io.Copy(io.Discard, resp.Body)
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("status %d", resp.StatusCode)
			}
			return nil
		})
	})
}

// throttled runs b.N calls of search from throttleWorkers goroutines and
// reports what srv saw.
func throttled(b *testing.B, srv *limitedServer, search func(context.Context) error) {
	ctx := context.Background()
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range throttleWorkers {
		wg.Go(func() {
			for next.Add(1) <= int64(b.N) {
				if search(ctx) != nil {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(100*float64(srv.ok.Load())/elapsed.Seconds()/serverRate, "pct-of-N")
	b.ReportMetric(float64(srv.rejected.Load()), "429s")
	b.ReportMetric(float64(failed.Load()), "failed")
}
