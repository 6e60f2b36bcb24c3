package gdpr

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

const benchListing = `{"entities":[{"name":"Ann Example","userId":"u-1","externalContactId":"c-1",` +
	`"addresses":["1 Main St, Springfield"],"phoneNumbers":["+13115552368"],"emailAddresses":["ann@example.com"]}],` +
	`"pageSize":25,"pageNumber":1,"total":1,"pageCount":1}`

// benchSearchURL is the request the client sends for benchSearch, written
// out for the raw GET.
const benchSearchURL = "/api/v2/gdpr/subjects?searchType=EMAIL&searchValue=ann%40example.com"

func benchServer(b *testing.B) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, benchListing)
	}))
	b.Cleanup(srv.Close)
	return srv
}

func benchClient(b *testing.B, srv *httptest.Server) *Client {
	c, err := New(WithBaseURL(srv.URL), WithToken("bench-token"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.CloseIdleConnections)
	return c
}

// benchSearch is one SearchSubjects through the whole client stack.
func benchSearch(b *testing.B, c *Client) {
	s, err := c.SearchSubjects(context.Background(), KindEmail, "ann@example.com")
	if err != nil || len(s) != 1 {
		b.Fatal(s, err)
	}
}

// rawSearch is the same request with net/http and encoding/json alone.
func rawSearch(b *testing.B, hc *http.Client, url string) {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer bench-token")
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	var l SubjectEntityListing
	err = json.NewDecoder(resp.Body).Decode(&l)
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || len(l.Entities) != 1 {
		b.Fatal(err)
	}
}

// BenchmarkClientSearchSubjects is one SearchSubjects through the whole
// stack (retry, throttle, auth) against a loopback server.
func BenchmarkClientSearchSubjects(b *testing.B) {
	c := benchClient(b, benchServer(b))
	b.ReportAllocs()
	for b.Loop() {
		benchSearch(b, c)
	}
}

// BenchmarkRawGETSearchSubjects is the same request with net/http and
// encoding/json alone: the floor the client is measured against.
func BenchmarkRawGETSearchSubjects(b *testing.B) {
	srv := benchServer(b)
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	b.ReportAllocs()
	for b.Loop() {
		rawSearch(b, hc, srv.URL+benchSearchURL)
	}
}

// BenchmarkClientOverRawGET makes, in each op, one SearchSubjects through
// the client and the same raw GET, in turn first, on one server, and
// reports the mean of each (client-ns, raw-ns) and their ratio
// (client/raw). Measured side by side, the ratio holds on a busy machine,
// where the two benchmarks above, run one after the other, see different
// load.
func BenchmarkClientOverRawGET(b *testing.B) {
	srv := benchServer(b)
	c := benchClient(b, srv)
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	url := srv.URL + benchSearchURL
	var client, raw time.Duration
	timed := func(f func()) time.Duration {
		t0 := time.Now()
		f()
		return time.Since(t0)
	}
	for i := 0; b.Loop(); i++ {
		if i%2 == 0 {
			client += timed(func() { benchSearch(b, c) })
			raw += timed(func() { rawSearch(b, hc, url) })
		} else {
			raw += timed(func() { rawSearch(b, hc, url) })
			client += timed(func() { benchSearch(b, c) })
		}
	}
	n := float64(b.N)
	b.ReportMetric(float64(client.Nanoseconds())/n, "client-ns")
	b.ReportMetric(float64(raw.Nanoseconds())/n, "raw-ns")
	b.ReportMetric(float64(client)/float64(raw), "client/raw")
}
