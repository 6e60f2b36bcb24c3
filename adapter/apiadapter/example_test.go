package apiadapter_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/apiadapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/server"
	"github.com/gdprkit/gdpr/store/memstore"
)

// Example erases a contact centre's customer through its GDPR API: here a
// gdpr serve started for the example; for Genesys Cloud, make the client
// with gdpr.WithRegion and your OAuth client instead.
func Example() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url := contactCentre(ctx)

	// One throttled client per remote, with the remote's rate.
	client, err := gdpr.New(gdpr.WithBaseURL(url), gdpr.WithClientCredentials("ops", "example-secret-not-for-production"),
		gdpr.WithRate(5, 5))
	if err != nil {
		log.Fatal(err)
	}
	genesys, err := apiadapter.New("genesys", client)
	if err != nil {
		log.Fatal(err)
	}

	// The adapter is one of the company's data stores.
	p, err := processor.New(memstore.New(), []adapter.Adapter{genesys})
	if err != nil {
		log.Fatal(err)
	}
	go p.Run(ctx)
	req, err := p.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
		Subject: gdpr.Subject{EmailAddresses: []string{"jordan.blake@example.com"}}})
	if err != nil {
		log.Fatal(err)
	}
	for !req.Status.Done() {
		time.Sleep(10 * time.Millisecond)
		if req, err = p.GetRequest(ctx, req.ID); err != nil {
			log.Fatal(err)
		}
	}
	s := req.Steps[0]
	fmt.Println(req.Status, s.Adapter, s.State, s.Outcome.Erased, "erased by the remote service")
	// Output: COMPLETED genesys DONE 1 erased by the remote service
}

// contactCentre serves a GDPR API over a contact centre's data on
// loopback until ctx ends, and returns its URL.
func contactCentre(ctx context.Context) string {
	data, err := memadapter.New("contacts")
	if err != nil {
		log.Fatal(err)
	}
	if err := data.LoadJSON(strings.NewReader(`{"people": [{"key": "c-1", "kind": "externalContact",
		"externalContactId": "gc-ec-4711", "name": "Jordan Blake", "emails": ["jordan.blake@example.com"]}]}`)); err != nil {
		log.Fatal(err)
	}
	p, err := processor.New(memstore.New(), []adapter.Adapter{data})
	if err != nil {
		log.Fatal(err)
	}
	go p.Run(ctx)
	hash, err := server.HashSecretCost("example-secret-not-for-production", 1000)
	if err != nil {
		log.Fatal(err)
	}
	clients, err := server.NewClients(server.Client{ID: "ops", SecretHash: hash, Organization: "acme", Scope: server.ScopeAll})
	if err != nil {
		log.Fatal(err)
	}
	s, err := server.New(p, clients)
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(s)
	go func() { <-ctx.Done(); srv.Close() }()
	return srv.URL
}
