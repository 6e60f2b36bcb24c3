package bench

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/server"
)

const clients = 64 // concurrent HTTP clients

// searchPath is the subject search the benchmarks repeat: a name two
// people share.
const searchPath = "/api/v2/gdpr/subjects?searchType=NAME&searchValue=Alex+Morgan"

// demoServer returns the gdprkit server over the demo data, with no rate
// limit, and a bearer token for it.
func demoServer(b *testing.B) (*httptest.Server, string) {
	b.Helper()
	p, err := demo.Processor()
	if err != nil {
		b.Fatal(err)
	}
	h, err := server.HashSecret("bench-secret-0123456789")
	if err != nil {
		b.Fatal(err)
	}
	cs, err := server.NewClients(server.Client{ID: "bench", SecretHash: h, Organization: "bench", Scope: server.ScopeAll})
	if err != nil {
		b.Fatal(err)
	}
	s, err := server.New(p, cs, server.WithRate(0, 0))
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(s)
	b.Cleanup(srv.Close)
	req, _ := http.NewRequest("POST", srv.URL+"/oauth/token", strings.NewReader("grant_type=client_credentials"))
	req.SetBasicAuth("bench", "bench-secret-0123456789")
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
	return srv, tok.AccessToken
}

// bareServer answers every request with body, as fast as net/http can.
func bareServer(b *testing.B, body []byte) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// load sends b.N GETs of url from 64 concurrent clients and reports
// requests per second and latency percentiles.
func load(b *testing.B, url, token string) {
	tr := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	var mu sync.Mutex
	lat := make([]time.Duration, 0, b.N)
	b.SetParallelism(max(1, clients/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		mine := make([]time.Duration, 0, 1024)
		for pb.Next() {
			req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			t0 := time.Now()
			resp, err := c.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			mine = append(mine, time.Since(t0))
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	}
}

// BenchmarkServerSearchSubjects: the gdprkit server answering a subject
// search (token check, rate accounting, processor search over three
// adapters, JSON) to 64 concurrent clients.
func BenchmarkServerSearchSubjects(b *testing.B) {
	srv, token := demoServer(b)
	load(b, srv.URL+searchPath, token)
}

// BenchmarkBareHandlerSameJSON: a bare net/http handler writing the same
// JSON body, to the same 64 concurrent clients: the ceiling.
func BenchmarkBareHandlerSameJSON(b *testing.B) {
	srv, token := demoServer(b)
	bare := bareServer(b, searchBody(b, srv, token))
	load(b, bare.URL+searchPath, "")
}

// searchBody returns the body of the gdprkit server's answer to
// searchPath, for the bare handler to write.
func searchBody(b *testing.B, srv *httptest.Server, token string) []byte {
	b.Helper()
	req, _ := http.NewRequest("GET", srv.URL+searchPath, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var l gdpr.SubjectEntityListing
	if err := json.Unmarshal(body, &l); err != nil || l.Total != 3 {
		b.Fatalf("search body %s: %v", body, err)
	}
	return body
}
