package processor_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store/memstore"
)

const crmData = `{
  "people": [
    {"key": "c1", "kind": "externalContact", "externalContactId": "c-1",
     "name": "Robin Vale", "emails": ["robin@example.com"], "phones": ["+44 20 7946 0999"]}
  ],
  "records": [
    {"id": "chat-1", "kind": "chatTranscript", "person": "c1", "fields": {"text": "Where is my parcel?"}}
  ]
}`

// Embed the engine over one data store, erase a person, and read what each
// store did.
func Example() {
	ctx := context.Background()
	crm, err := memadapter.New("crm")
	if err != nil {
		log.Fatal(err)
	}
	if err := crm.LoadJSON(strings.NewReader(crmData)); err != nil {
		log.Fatal(err)
	}
	p, err := processor.New(memstore.New(), []adapter.Adapter{crm},
		processor.WithPolicy(processor.CurrentEmployees{}))
	if err != nil {
		log.Fatal(err)
	}

	// Who does the email match? Check before erasing.
	subjects, err := p.SearchSubjects(ctx, gdpr.KindEmail, "Robin@Example.com")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("subjects:", len(subjects), subjects[0].ExternalContactID)

	req, err := p.CreateRequest(ctx, gdpr.RequestSpec{
		Type:            gdpr.RequestDelete,
		Subject:         gdpr.Subject{ExternalContactID: subjects[0].ExternalContactID},
		DeleteConfirmed: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("created:", req.Status)

	// Run(ctx) processes requests in the background; RunOnce takes one
	// request as far as it goes, which suits an example.
	for {
		found, err := p.RunOnce(ctx)
		if err != nil {
			log.Fatal(err)
		}
		if !found {
			break
		}
	}
	req, err = p.GetRequest(ctx, req.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("status:", req.Status, "verified:", req.Verification.Passed)
	for _, s := range req.Steps {
		fmt.Printf("%s: %d records, %d deleted\n", s.Adapter, s.Records, s.Outcome.Deleted)
	}
	// Output:
	// subjects: 1 c-1
	// created: INITIATED
	// status: COMPLETED verified: true
	// crm: 2 records, 2 deleted
}

// A request carries exactly one term; the error says how to fix it.
func ExampleProcessor_CreateRequest_oneTermPerRequest() {
	crm, _ := memadapter.New("crm")
	p, _ := processor.New(memstore.New(), []adapter.Adapter{crm})
	_, err := p.CreateRequest(context.Background(), gdpr.RequestSpec{
		Type:    gdpr.RequestExport,
		Subject: gdpr.Subject{Name: "Robin Vale", EmailAddresses: []string{"robin@example.com"}},
	})
	var apiErr *gdpr.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.Status(), apiErr.Code(), apiErr.Field())
	}
	// Output:
	// 400 invalid.property subject
}
