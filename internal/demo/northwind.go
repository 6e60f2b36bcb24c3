package demo

import (
	"fmt"

	"github.com/gdprkit/gdpr/adapter/memadapter"
)

// The organizations of the demo server: Organization, whose people are in
// the three data stores of Adapters, and Northwind, another customer of
// the same service, whose own customers are in NorthwindCRM. Northwind
// also has an Alex Morgan with the email and phone of the demo's Seattle
// customer (AlexMorganSeattleEmail, AlexMorganSeattlePhone), and a Sam
// Rivera with SamRiveraEmail: neither organization ever sees the other's.
const (
	Organization = "demo"
	Northwind    = "northwind"
	// NorthwindCRM is the name of Northwind's data store.
	NorthwindCRM = "northwind-crm"
)

// NorthwindAdapter returns Northwind's data store, loaded afresh: an
// in-memory adapter named NorthwindCRM holding its customers and their
// orders. It holds Northwind's data alone; list it under Northwind
// (processor.WithOrganizationAdapters).
func NorthwindAdapter(opts ...memadapter.Option) (*memadapter.Adapter, error) {
	a, err := memadapter.New(NorthwindCRM, opts...)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	err = a.Load(memadapter.Dataset{
		People: []memadapter.Person{
			{Key: "nw-0001", Kind: memadapter.KindExternalContact, ExternalContactID: "5f0c2d7e-9a41-4c1e-8d8b-2f3a6c9e1b70",
				Name: AlexMorgan, Emails: []string{AlexMorganSeattleEmail}, Phones: []string{AlexMorganSeattlePhone},
				Addresses: []string{"88 Harbor Way, Tacoma, WA 98402"}},
			{Key: "nw-0002", Kind: memadapter.KindExternalContact, ExternalContactID: "0b7e4a55-3c2d-4f86-9e11-7d4c8a2b6f03",
				Name: SamRivera, Emails: []string{SamRiveraEmail}},
		},
		Records: []memadapter.LinkedRecord{
			{ID: "nw-order-1", Kind: "order", Person: "nw-0001", Fields: map[string]any{"orderNumber": "NW-5001", "total": 42.5}},
			{ID: "nw-order-2", Kind: "order", Person: "nw-0001", Fields: map[string]any{"orderNumber": "NW-5002", "total": 17}},
			{ID: "nw-order-3", Kind: "order", Person: "nw-0002", Fields: map[string]any{"orderNumber": "NW-5003", "total": 8}},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("demo: %s: %w", NorthwindCRM, err)
	}
	return a, nil
}
