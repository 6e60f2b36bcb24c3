package memadapter_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
)

func Example() {
	crm, err := memadapter.New("crm", memadapter.WithPhoneRegion("GB"))
	if err != nil {
		log.Fatal(err)
	}
	err = crm.LoadJSON(strings.NewReader(`{
		"people": [
			{"key": "c1", "kind": "externalContact", "externalContactId": "ec-1",
			 "name": "Alex Morgan", "emails": ["alex.morgan@example.com"], "phones": ["020 7946 0123"]},
			{"key": "c2", "kind": "externalContact", "externalContactId": "ec-2",
			 "name": "Alex Morgan", "emails": ["a.morgan@example.org"]}
		],
		"records": [
			{"id": "order-1", "kind": "order", "person": "c1", "fields": {"total": 59.9}}
		]
	}`))
	if err != nil {
		log.Fatal(err)
	}

	// Adapters receive normalized terms, as the processor hands them over.
	norm := adapter.Normalizer{Region: "GB"}
	for _, t := range []gdpr.Term{
		{Kind: gdpr.KindName, Value: "alex MORGAN"},
		{Kind: gdpr.KindEmail, Value: "Alex.Morgan@Example.com"},
		{Kind: gdpr.KindPhone, Value: "+44 20 7946 0123"},
	} {
		t, err := norm.Term(t)
		if err != nil {
			log.Fatal(err)
		}
		subjects, err := crm.Search(context.Background(), t)
		if err != nil {
			log.Fatal(err)
		}
		for _, s := range subjects {
			fmt.Printf("%s %q: %s %s\n", t.Kind, t.Value, s.ExternalContactID, s.EmailAddresses)
		}
	}
	// Output:
	// NAME "alex morgan": ec-1 [alex.morgan@example.com]
	// NAME "alex morgan": ec-2 [a.morgan@example.org]
	// EMAIL "alex.morgan@example.com": ec-1 [alex.morgan@example.com]
	// PHONE "+442079460123": ec-1 [alex.morgan@example.com]
}
