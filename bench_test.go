package gdpr

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

const benchListing = `{"entities":[{"name":"Ann Example","userId":"u-1","externalContactId":"c-1",` +
	`"addresses":["1 Main St, Springfield"],"phoneNumbers":["+13115552368"],"emailAddresses":["ann@example.com"]}],` +
	`"pageSize":25,"pageNumber":1,"total":1,"pageCount":1}`

func benchServer(b *testing.B) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, benchListing)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkClientSearchSubjects is one SearchSubjects through the whole
// stack (retry, throttle, auth) against a loopback server.
func BenchmarkClientSearchSubjects(b *testing.B) {
	srv := benchServer(b)
	c, err := New(WithBaseURL(srv.URL), WithToken("bench-token"))
	if err != nil {
		b.Fatal(err)
	}
	defer c.CloseIdleConnections()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		s, err := c.SearchSubjects(ctx, SearchEmail, "ann@example.com")
		if err != nil || len(s) != 1 {
			b.Fatal(s, err)
		}
	}
}

// BenchmarkRawGETSearchSubjects is the same request with net/http and
// encoding/json alone: the floor the client is measured against.
func BenchmarkRawGETSearchSubjects(b *testing.B) {
	srv := benchServer(b)
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	url := srv.URL + "/api/v2/gdpr/subjects?searchType=EMAIL&searchValue=ann%40example.com"
	b.ReportAllocs()
	for b.Loop() {
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
}
