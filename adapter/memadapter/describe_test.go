package memadapter_test

import (
	"context"
	"slices"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
)

func TestDescribe(t *testing.T) {
	a, err := memadapter.New("crm", memadapter.WithPhoneRegion("GB"))
	if err != nil {
		t.Fatal(err)
	}
	inv, err := a.Describe(context.Background())
	if err != nil || len(inv.Records) != 0 || inv.Terms == nil {
		t.Fatalf("empty adapter: %+v, %v", inv, err)
	}
	err = a.Load(memadapter.Dataset{
		People: []memadapter.Person{
			{Key: "d1", Kind: memadapter.KindDialerContact, Phones: []string{"020 7946 0123"}, Attributes: map[string]any{"tier": "gold"}},
			{Key: "c1", Kind: memadapter.KindExternalContact, Emails: []string{"a@example.com"}},
		},
		Records: []memadapter.LinkedRecord{
			{ID: "o1", Kind: "order", Person: "c1", Fields: map[string]any{"total": 3}},
			{ID: "o2", Kind: "order", Person: "d1", Fields: map[string]any{"shipTo": "x"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	inv, err = a.Describe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(inv.Terms, []gdpr.Kind{gdpr.KindPhone, gdpr.KindEmail}) {
		t.Errorf("terms %v", inv.Terms)
	}
	var kinds []string
	for _, rk := range inv.Records {
		kinds = append(kinds, rk.Kind)
		if rk.Erase != adapter.EraseDeletes || !rk.Reachable {
			t.Errorf("%s: %+v", rk.Kind, rk)
		}
	}
	if !slices.Equal(kinds, []string{"dialerContact", "externalContact", "order"}) {
		t.Fatalf("kinds %v", kinds)
	}
	if d := inv.Records[0]; !slices.Equal(d.Fields, []string{"attributes", "phones"}) || !d.Subject {
		t.Errorf("dialerContact: %+v", d)
	}
	if o := inv.Records[2]; !slices.Equal(o.Fields, []string{"person", "shipTo", "total"}) ||
		!slices.Equal(o.LinkedTo, []string{"people (dialerContact)", "people (externalContact)"}) {
		t.Errorf("order: %+v", o)
	}
	if _, err := a.Describe(canceled()); err == nil {
		t.Error("Describe with a cancelled context: no error")
	}
}

func canceled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}
