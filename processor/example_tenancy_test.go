package processor_test

import (
	"context"
	"fmt"
	"log"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store/memstore"
)

// Two organizations share a tenant-scoped CRM, whose records each name
// their organization, and globex also has a billing database of its own.
// Each organization finds only its own Jordan Blake.
func ExampleWithOrganizationAdapters() {
	crm, _ := memadapter.New("crm", memadapter.WithTenantScope())
	_ = crm.Load(memadapter.Dataset{People: []memadapter.Person{
		{Key: "a1", Kind: memadapter.KindExternalContact, Organization: "acme", Name: "Jordan Blake", Emails: []string{"jordan@example.com"}},
		{Key: "g1", Kind: memadapter.KindExternalContact, Organization: "globex", Name: "Jordan Blake", Emails: []string{"jordan@example.com"}},
	}})
	billing, _ := memadapter.New("billing") // globex's data alone
	_ = billing.Load(memadapter.Dataset{People: []memadapter.Person{
		{Key: "b1", Kind: memadapter.KindExternalContact, ExternalID: "INV-7", Name: "Jordan Blake", Emails: []string{"jordan@example.com"}},
	}})

	p, err := processor.New(memstore.New(), []adapter.Adapter{crm},
		processor.WithOrganizationAdapters("globex", billing))
	if err != nil {
		log.Fatal(err)
	}
	for _, org := range []string{"acme", "globex"} {
		ctx := gdpr.ContextWithOrganization(context.Background(), org)
		found, err := p.SearchSubjects(ctx, gdpr.KindEmail, "jordan@example.com")
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s finds %d subjects\n", org, len(found))
	}
	_, err = p.SearchSubjects(context.Background(), gdpr.KindEmail, "jordan@example.com")
	fmt.Println("no organization:", err != nil)
	// Output:
	// acme finds 1 subjects
	// globex finds 2 subjects
	// no organization: true
}
