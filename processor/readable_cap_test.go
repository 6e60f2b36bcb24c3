package processor_test

import (
	"encoding/json"
	"fmt"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store/memstore"
)

// A system holding more records than index.html shows: the page shows
// the first IndexRecordsMax and says where all of them are; the JSON part
// holds every one.
func TestExportIndexCapsRecordsPerSystem(t *testing.T) {
	const extra = 5
	big, err := memadapter.New("orders")
	if err != nil {
		t.Fatal(err)
	}
	ds := memadapter.Dataset{People: []memadapter.Person{{Key: "p1", Kind: memadapter.KindExternalContact, ExternalContactID: "ec-1",
		Name: "Robin Example", Emails: []string{"robin@example.com"}}}}
	for i := range processor.IndexRecordsMax + extra {
		ds.Records = append(ds.Records, memadapter.LinkedRecord{ID: fmt.Sprintf("order-%04d", i), Kind: "order", Person: "p1",
			Fields: map[string]any{"total": fmt.Sprint(i)}})
	}
	if err := big.Load(ds); err != nil {
		t.Fatal(err)
	}
	small, err := memadapter.New("crm")
	if err != nil {
		t.Fatal(err)
	}
	if err := small.Load(memadapter.Dataset{People: []memadapter.Person{{Key: "p1", Kind: memadapter.KindExternalContact, ExternalContactID: "ec-9",
		Name: "Robin Example", Emails: []string{"robin@example.com"}}}}); err != nil {
		t.Fatal(err)
	}
	p, err := processor.New(memstore.New(), []adapter.Adapter{big, small}, processor.WithStorePoll(5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	files := exportArchive(t, testkit.Run(t, p), "robin@example.com")
	var m processor.Manifest
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatal(err)
	}
	var orders processor.ManifestAdapter
	for _, a := range m.Adapters {
		if a.Name == "orders" {
			orders = a
		}
	}
	if orders.Records <= processor.IndexRecordsMax {
		t.Fatalf("orders exported %d records; the test needs more than %d", orders.Records, processor.IndexRecordsMax)
	}
	var part []adapter.Record
	if err := json.Unmarshal(files[orders.File], &part); err != nil || len(part) != orders.Records {
		t.Fatalf("%s holds %d records (%v), want all %d", orders.File, len(part), err, orders.Records)
	}
	page := string(files[processor.IndexFile])
	sections := strings.Split(page, `<section class="system"`)
	var ordersPage, crmPage string
	for _, s := range sections[1:] {
		switch {
		case strings.HasPrefix(s, ` data-system="orders"`):
			ordersPage = s
		case strings.HasPrefix(s, ` data-system="crm"`):
			crmPage = s
		}
	}
	if n := strings.Count(ordersPage, `<table class="record">`); n != processor.IndexRecordsMax {
		t.Errorf("the orders section shows %d records, want %d", n, processor.IndexRecordsMax)
	}
	note := fmt.Sprintf("This page shows the first %d of the %d records this system holds about you, to stay readable. All %d are in the file %s in this archive",
		processor.IndexRecordsMax, orders.Records, orders.Records, orders.File)
	if !strings.Contains(html.UnescapeString(ordersPage), note) {
		t.Errorf("the orders section lacks the note %q", note)
	}
	if last := part[len(part)-1]; strings.Contains(ordersPage, last.Kind+" "+last.ID) {
		t.Errorf("the orders section shows record %s beyond the first %d", last.ID, processor.IndexRecordsMax)
	}
	// A system under the cap is whole and has no note.
	if n := strings.Count(crmPage, `<table class="record">`); n < 1 || strings.Contains(crmPage, "This page shows the first") {
		t.Errorf("the crm section shows %d records or a note it should not:\n%s", n, crmPage)
	}
}
