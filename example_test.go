package gdpr_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/gdprkit/gdpr"
)

// exampleServer is a tiny stand-in for the GDPR API: an OAuth token
// endpoint, the four routes and a results download. An export completes
// on the third time it is read.
func exampleServer() *httptest.Server {
	var mu sync.Mutex
	reads := map[string]int{}
	var requests []gdpr.Request
	mux := http.NewServeMux()
	reply := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		if id, secret, _ := r.BasicAuth(); id != "my-client-id" || secret != "my-client-secret" {
			reply(w, 401, map[string]string{"error": "invalid_client", "error_description": "unknown client"})
			return
		}
		reply(w, 200, map[string]any{"access_token": "example-token", "token_type": "bearer", "expires_in": 86400})
	})
	authorized := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer example-token" {
				reply(w, 401, gdpr.NewError(401, "authentication.required", "no token").Body)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			h(w, r)
		}
	}
	mux.HandleFunc("GET /api/v2/gdpr/subjects", authorized(func(w http.ResponseWriter, r *http.Request) {
		l := gdpr.SubjectEntityListing{Entities: []gdpr.Subject{}}
		if r.URL.Query().Get("searchValue") == "ann@example.com" {
			l.Entities = append(l.Entities, gdpr.Subject{Name: "Ann Example", UserID: "u-17", EmailAddresses: []string{"ann@example.com"}})
		}
		l.Total = int64(len(l.Entities))
		reply(w, 200, l)
	}))
	mux.HandleFunc("POST /api/v2/gdpr/requests", authorized(func(w http.ResponseWriter, r *http.Request) {
		var req gdpr.Request
		json.NewDecoder(r.Body).Decode(&req)
		req.ID = fmt.Sprintf("req-%d", len(requests)+1)
		req.Status = gdpr.StatusInitiated
		requests = append(requests, req)
		reply(w, 202, req)
	}))
	mux.HandleFunc("GET /api/v2/gdpr/requests", authorized(func(w http.ResponseWriter, r *http.Request) {
		var size, page int
		fmt.Sscan(r.URL.Query().Get("pageSize"), &size)
		fmt.Sscan(r.URL.Query().Get("pageNumber"), &page)
		size, page = max(size, 1), max(page, 1)
		l := gdpr.RequestEntityListing{Entities: []gdpr.Request{}, PageSize: size, PageNumber: page,
			Total: int64(len(requests)), PageCount: (len(requests) + size - 1) / size}
		for i := (page - 1) * size; i < min(page*size, len(requests)); i++ {
			l.Entities = append(l.Entities, requests[len(requests)-1-i])
		}
		reply(w, 200, l)
	}))
	mux.HandleFunc("GET /api/v2/gdpr/requests/{id}", authorized(func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		for _, req := range requests {
			if req.ID != id {
				continue
			}
			reads[id]++
			switch reads[id] {
			case 1:
				req.Status = gdpr.StatusSearching
			case 2:
				req.Status = gdpr.StatusFinalizing
			default:
				req.Status = gdpr.StatusCompleted
				if req.RequestType == gdpr.RequestExport {
					req.ResultsURL = "/results/" + id + ".zip"
				}
			}
			reply(w, 200, req)
			return
		}
		w.Header().Set("ININ-Correlation-Id", "corr-1234")
		reply(w, 404, gdpr.NewError(404, gdpr.CodeNotFound, "no request with this id; list the requests to find it").Body)
	}))
	mux.HandleFunc("GET /results/{file}", authorized(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "zip archive %s", r.PathValue("file"))
	}))
	return httptest.NewServer(mux)
}

// newExampleClient is what every example starts with.
func newExampleClient(srv *httptest.Server) *gdpr.Client {
	c, err := gdpr.New(
		gdpr.WithBaseURL(srv.URL),
		gdpr.WithClientCredentials("my-client-id", "my-client-secret"),
		gdpr.WithPolling(time.Millisecond, 10*time.Millisecond),
	)
	if err != nil {
		log.Fatal(err)
	}
	return c
}

func ExampleNew() {
	// Against the hosted API, name the region and the OAuth client; the
	// token is fetched on first use and refreshed before it expires.
	hosted, err := gdpr.New(
		gdpr.WithRegion("eu-west-1"),
		gdpr.WithClientCredentials("my-client-id", "my-client-secret"),
		gdpr.WithRate(5, 10),
		// Three tries in all; zero fields keep the defaults' waits.
		gdpr.WithRetry(gdpr.RetryPolicy{Attempts: 3, MaxRetryAfter: 30 * time.Second}),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(hosted.BaseURL())

	_, err = gdpr.New(gdpr.WithRegion("eu-west-9"))
	fmt.Println(err != nil)
	// Output:
	// https://api.mypurecloud.ie
	// true
}

func ExampleClient_SearchSubjects() {
	srv := exampleServer()
	defer srv.Close()
	client := newExampleClient(srv)

	subjects, err := client.SearchSubjects(context.Background(), gdpr.KindEmail, "ann@example.com")
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range subjects {
		fmt.Println(s.Name, s.UserID)
	}
	// Output: Ann Example u-17
}

func ExampleClient_CreateRequest() {
	srv := exampleServer()
	defer srv.Close()
	client := newExampleClient(srv)

	// One request per search term; erasure needs the caller's
	// confirmation that every subject the term matches may go.
	req, err := client.CreateRequest(context.Background(), gdpr.RequestSpec{
		Type:            gdpr.RequestDelete,
		Subject:         gdpr.Subject{EmailAddresses: []string{"ann@example.com"}},
		DeleteConfirmed: true,
		IdempotencyKey:  rand.Text(), // keep it to repeat the call safely
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(req.ID, req.RequestType, req.Status)
	// Output: req-1 GDPR_DELETE INITIATED
}

func ExampleClient_GetRequest() {
	srv := exampleServer()
	defer srv.Close()
	client := newExampleClient(srv)
	ctx := context.Background()

	created, _ := client.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestExport,
		Subject: gdpr.Subject{PhoneNumbers: []string{"+13115552368"}}})
	req, err := client.GetRequest(ctx, created.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(req.ID, req.Status)

	_, err = client.GetRequest(ctx, "req-404")
	var apiErr *gdpr.APIError
	if errors.Is(err, gdpr.ErrNotFound) && errors.As(err, &apiErr) {
		fmt.Println(apiErr.Body.Code, apiErr.CorrelationID)
	}
	// Output:
	// req-1 SEARCHING
	// not.found corr-1234
}

func ExampleClient_ListRequests() {
	srv := exampleServer()
	defer srv.Close()
	client := newExampleClient(srv)
	ctx := context.Background()
	for _, email := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		client.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: gdpr.Subject{EmailAddresses: []string{email}}})
	}

	page, err := client.ListRequests(ctx, gdpr.ListOptions{PageSize: 2, PageNumber: 1})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("page 1 of", page.PageCount, "holds", len(page.Entities), "of", page.Total)
	// Output: page 1 of 2 holds 2 of 3
}

func ExampleClient_Requests() {
	srv := exampleServer()
	defer srv.Close()
	client := newExampleClient(srv)
	ctx := context.Background()
	for _, email := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		client.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: gdpr.Subject{EmailAddresses: []string{email}}})
	}

	// Every request, newest first, two to a page.
	for req, err := range client.Requests(ctx, 2) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(req.ID, req.Subject.EmailAddresses[0])
	}
	// Output:
	// req-3 c@example.com
	// req-2 b@example.com
	// req-1 a@example.com
}

func ExampleClient_Wait() {
	srv := exampleServer()
	defer srv.Close()
	client := newExampleClient(srv)
	ctx := context.Background()

	created, _ := client.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestExport,
		Subject: gdpr.Subject{Name: "Ann Example"}})
	req, err := client.Wait(ctx, created.ID, func(r *gdpr.Request) { fmt.Println("now", r.Status) })
	if errors.Is(err, gdpr.ErrRequestFailed) {
		log.Fatalf("request %s failed", req.ID)
	} else if err != nil {
		log.Fatal(err)
	}
	fmt.Println(req.ID, req.Status, req.ResultsURL)
	// Output:
	// now SEARCHING
	// now FINALIZING
	// now COMPLETED
	// req-1 COMPLETED /results/req-1.zip
}

func ExampleClient_DownloadResults() {
	srv := exampleServer()
	defer srv.Close()
	client := newExampleClient(srv)
	ctx := context.Background()

	created, _ := client.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestExport,
		Subject: gdpr.Subject{Name: "Ann Example"}})
	req, err := client.Wait(ctx, created.ID, nil)
	if err != nil {
		log.Fatal(err)
	}
	var archive bytes.Buffer // a file, in real use
	n, err := client.DownloadResults(ctx, req, &archive)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, archive.String())
	// Output: 21 zip archive req-1.zip
}
