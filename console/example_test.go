package console_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/console"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/server"
	"github.com/gdprkit/gdpr/store/memstore"
)

// Serve the privacy console beside the GDPR API, on the same processor
// and the same clients: an officer signs in with a client id and secret,
// and the client's organization and scope decide what they see and may do.
func Example() {
	crm, err := memadapter.New("crm")
	if err != nil {
		log.Fatal(err)
	}
	p, err := processor.New(memstore.New(), []adapter.Adapter{crm})
	if err != nil {
		log.Fatal(err)
	}
	hash, err := server.HashSecret("a-long-secret-for-the-privacy-desk")
	if err != nil {
		log.Fatal(err)
	}
	clients, err := server.NewClients(server.Client{ID: "privacy-desk", SecretHash: hash, Organization: "acme", Scope: server.ScopeAll})
	if err != nil {
		log.Fatal(err)
	}
	api, err := server.New(p, clients)
	if err != nil {
		log.Fatal(err)
	}
	con, err := console.New(p, clients)
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(console.Mount(api, con))
	defer srv.Close()

	resp, err := http.Get(srv.URL + console.Path)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'self'"))
	// Output: 200 true
}
