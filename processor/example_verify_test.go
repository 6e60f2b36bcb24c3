package processor_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store/memstore"
)

// A caller that checks the audit chain often keeps the last event it
// verified, and checks only what was appended since.
func ExampleProcessor_VerifyAuditFrom() {
	ctx := context.Background()
	crm, err := memadapter.New("crm")
	if err != nil {
		log.Fatal(err)
	}
	if err := crm.LoadJSON(strings.NewReader(crmData)); err != nil {
		log.Fatal(err)
	}
	p, err := processor.New(memstore.New(), []adapter.Adapter{crm})
	if err != nil {
		log.Fatal(err)
	}
	export := gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: gdpr.Subject{EmailAddresses: []string{"robin@example.com"}}}
	if _, err := p.CreateRequest(ctx, export); err != nil {
		log.Fatal(err)
	}
	last, n, err := p.VerifyAuditFrom(ctx, nil) // the whole chain, once
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("checked", n, "up to event", last.Seq)

	if _, err := p.CreateRequest(ctx, export); err != nil {
		log.Fatal(err)
	}
	last, n, err = p.VerifyAuditFrom(ctx, last) // only what came after
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("checked", n, "up to event", last.Seq)
	// Output:
	// checked 1 up to event 1
	// checked 1 up to event 2
}
