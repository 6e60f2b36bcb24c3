package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/server"
)

// floodReaders and flooders: the authenticated readers whose latency is
// measured, and the unauthenticated callers flooding the token endpoint.
const (
	floodReaders = 8
	flooders     = 32
)

// BenchmarkTokenFlood: authenticated subject searches from 8 readers,
// first alone, then beside 32 callers sending token requests with wrong
// secrets (production PBKDF2 cost) as fast as they are answered, each
// from an address of its own behind a trusted proxy, so that no
// per-address limit or lockout spares the server a secret check. It
// reports the readers' p50 and p99 in both phases (b.N searches each),
// the ratio of the p99s, and the token calls answered per second.
func BenchmarkTokenFlood(b *testing.B) {
	p, err := demo.Processor()
	if err != nil {
		b.Fatal(err)
	}
	const id, secret = "bench", "bench-secret-0123456789"
	h, err := server.HashSecret(secret)
	if err != nil {
		b.Fatal(err)
	}
	cs, err := server.NewClients(server.Client{ID: id, SecretHash: h, Organization: "bench", Scope: server.ScopeAll})
	if err != nil {
		b.Fatal(err)
	}
	lb, _ := server.ParseProxies("127.0.0.1")
	s, err := server.New(p, cs, server.WithRate(0, 0), server.WithTrustedProxies(lb))
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	token := floodToken(b, srv.URL, id, secret)

	quiet := readLatencies(b, srv.URL, token)
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var answered atomic.Int64
	for f := range flooders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			flood(ctx, srv.URL, f, &answered)
		}()
	}
	time.Sleep(200 * time.Millisecond) // let the flood build up before measuring
	start := time.Now()
	loud := readLatencies(b, srv.URL, token)
	rate := float64(answered.Load()) / time.Since(start).Seconds()
	stop()
	wg.Wait()

	pct := func(l []time.Duration, q int) float64 { return float64(l[(len(l)-1)*q/100].Microseconds()) }
	b.ReportMetric(pct(quiet, 50), "quiet-p50-µs")
	b.ReportMetric(pct(quiet, 99), "quiet-p99-µs")
	b.ReportMetric(pct(loud, 50), "flood-p50-µs")
	b.ReportMetric(pct(loud, 99), "flood-p99-µs")
	b.ReportMetric(pct(loud, 99)/max(1, pct(quiet, 99)), "flood/quiet-p99")
	b.ReportMetric(rate, "token-calls/s")
	b.ReportMetric(0, "ns/op")
}

// readLatencies runs b.N authenticated subject searches from floodReaders
// goroutines and returns their latencies, sorted.
func readLatencies(b *testing.B, base, token string) []time.Duration {
	tr := &http.Transport{MaxIdleConnsPerHost: floodReaders}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	var next atomic.Int64
	lat := make([]time.Duration, b.N)
	var wg sync.WaitGroup
	for range floodReaders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1) - 1; i < int64(b.N); i = next.Add(1) - 1 {
				req, _ := http.NewRequest(http.MethodGet, base+searchPath, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				t0 := time.Now()
				resp, err := c.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat[i] = time.Since(t0)
				if resp.StatusCode != http.StatusOK {
					b.Errorf("read: status %d", resp.StatusCode)
					return
				}
			}
		}()
	}
	wg.Wait()
	slices.Sort(lat)
	return lat
}

// flood sends token requests with a wrong secret until ctx ends, each
// from a new address, and counts those answered.
func flood(ctx context.Context, base string, f int, answered *atomic.Int64) {
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	for i := 0; ctx.Err() == nil; i++ {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/oauth/token", strings.NewReader("grant_type=client_credentials"))
		req.SetBasicAuth("bench", "a-wrong-guess")
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", f, i/256%256, i%256))
		resp, err := c.Do(req)
		if err != nil {
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		answered.Add(1)
	}
}

func floodToken(b *testing.B, base, id, secret string) string {
	b.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/oauth/token", strings.NewReader("grant_type=client_credentials"))
	req.SetBasicAuth(id, secret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		b.Fatalf("token: %v", err)
	}
	return tok.AccessToken
}
