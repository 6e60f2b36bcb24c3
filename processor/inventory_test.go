package processor_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store/memstore"
)

// bare is an adapter that does not describe itself.
type bare struct{ adapter.Adapter }

func (bare) Name() string { return "legacy" }

// failing describes itself with an error.
type failing struct{ bare }

func (failing) Name() string { return "broken" }

func (failing) Describe(context.Context) (adapter.Description, error) {
	return adapter.Description{}, errors.New("connection refused")
}

func TestInventory(t *testing.T) {
	crm, err := memadapter.New("crm", memadapter.WithAnonymize())
	if err != nil {
		t.Fatal(err)
	}
	err = crm.Load(memadapter.Dataset{
		People: []memadapter.Person{
			{Key: "c1", Kind: memadapter.KindExternalContact, Name: "Alex Morgan", Emails: []string{"alex@example.com"}},
			{Key: "u1", Kind: memadapter.KindUser, UserID: "u-1", Name: "Sam Rivera", Employment: memadapter.EmploymentCurrent},
		},
		Records: []memadapter.LinkedRecord{{ID: "chat1", Kind: "chatTranscript", Person: "c1", Fields: map[string]any{"text": "hi"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	hr, err := memadapter.New("hr")
	if err != nil {
		t.Fatal(err)
	}
	p, err := processor.New(memstore.New(), []adapter.Adapter{crm, hr, bare{}, failing{}},
		processor.WithPolicy(processor.CurrentEmployees{}))
	if err != nil {
		t.Fatal(err)
	}
	inv, err := p.Inventory(gdpr.ContextWithOrganization(context.Background(), "acme"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range inv.Adapters {
		names = append(names, a.Adapter)
	}
	if !slices.Equal(names, []string{"crm", "hr", "legacy", "broken"}) {
		t.Fatalf("adapters %v", names)
	}
	if !strings.Contains(inv.Retention, "user") || !strings.Contains(inv.Retention, processor.EmployeeBasis) {
		t.Errorf("retention %q", inv.Retention)
	}
	c := inv.Adapters[0]
	if !c.Described || c.Store != "memory" ||
		!slices.Equal(c.Terms, []gdpr.Kind{gdpr.KindName, gdpr.KindEmail, gdpr.KindUserID}) {
		t.Errorf("crm: %+v", c)
	}
	kinds := map[string]adapter.RecordKind{}
	for _, rk := range c.Records {
		kinds[rk.Kind] = rk
		if rk.Erase != adapter.EraseAnonymizes {
			t.Errorf("crm %s erase %q", rk.Kind, rk.Erase)
		}
	}
	if u := kinds["user"]; !u.Subject || u.Retention == "" || !slices.Contains(u.Fields, "employment") {
		t.Errorf("user: %+v", u)
	}
	if ec := kinds["externalContact"]; ec.Retention != "" || !slices.Equal(ec.Terms, []gdpr.Kind{gdpr.KindName, gdpr.KindEmail}) {
		t.Errorf("externalContact: %+v", ec)
	}
	if ct := kinds["chatTranscript"]; ct.Subject || !slices.Equal(ct.Fields, []string{"person", "text"}) || len(ct.LinkedTo) != 1 {
		t.Errorf("chatTranscript: %+v", ct)
	}
	if h := inv.Adapters[1]; !h.Described || len(h.Records) != 0 || h.Terms == nil {
		t.Errorf("hr: %+v", h)
	}
	if l := inv.Adapters[2]; l.Described || l.Note != "not described" {
		t.Errorf("legacy: %+v", l)
	}
	if b := inv.Adapters[3]; b.Described || strings.Contains(b.Note, "refused") {
		t.Errorf("broken: %+v", b)
	}
}

func TestPolicyDescriptions(t *testing.T) {
	if d := (processor.RetainNothing{}).Describe(); !strings.Contains(d, "nothing") {
		t.Errorf("RetainNothing: %q", d)
	}
	ps := processor.Policies{processor.CurrentEmployees{Kind: "staff"}, processor.RetainNothing{}}
	if d := ps.Describe(); !strings.Contains(d, "staff") || !strings.Contains(d, "nothing") {
		t.Errorf("Policies: %q", d)
	}
	if !ps.MayRetain("x", adapter.RecordKind{Kind: "staff"}) || ps.MayRetain("x", adapter.RecordKind{Kind: "user"}) {
		t.Error("Policies.MayRetain")
	}
}

func TestInventoryJSONIsInventory(t *testing.T) {
	at := time.Date(2025, 12, 1, 9, 0, 0, 0, time.UTC)
	p, err := processor.New(memstore.New(), []adapter.Adapter{bare{}}, processor.WithClock(func() time.Time { return at }))
	if err != nil {
		t.Fatal(err)
	}
	ctx := gdpr.ContextWithOrganization(context.Background(), "acme")
	want, err := p.Inventory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := p.InventoryJSON(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got processor.Inventory
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("InventoryJSON decodes to another inventory (-Inventory +InventoryJSON):\n%s", diff)
	}
}
