package processor_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store/memstore"
)

// Keep a finished request's personal data only for a window: after it,
// the request keeps its ids, status and counts, and keyed hashes in place
// of the person's terms.
func ExampleWithMinimization() {
	ctx := context.Background()
	crm, err := memadapter.New("crm")
	if err != nil {
		log.Fatal(err)
	}
	if err := crm.LoadJSON(strings.NewReader(crmData)); err != nil {
		log.Fatal(err)
	}
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	key := bytes.Repeat([]byte{0x5a}, 32) // in production: a secret of 32 random bytes
	p, err := processor.New(memstore.New(), []adapter.Adapter{crm},
		processor.WithMinimization(30*24*time.Hour, key),
		processor.WithClock(func() time.Time { return now }))
	if err != nil {
		log.Fatal(err)
	}
	req, err := p.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestExport,
		Subject: gdpr.Subject{EmailAddresses: []string{"robin@example.com"}}})
	if err != nil {
		log.Fatal(err)
	}
	for found := true; found; {
		if found, err = p.RunOnce(ctx); err != nil {
			log.Fatal(err)
		}
	}

	now = now.Add(31 * 24 * time.Hour) // Run does this by itself, periodically
	n, err := p.Minimize(ctx)
	if err != nil {
		log.Fatal(err)
	}
	req, err = p.GetRequest(ctx, req.ID)
	if err != nil {
		log.Fatal(err)
	}
	email := req.Subject.EmailAddresses[0]
	fmt.Println("minimized:", n, req.Status)
	fmt.Println("email kept as a keyed hash:", strings.HasPrefix(email, processor.HashPrefix))
	// Output:
	// minimized: 1 COMPLETED
	// email kept as a keyed hash: true
}
