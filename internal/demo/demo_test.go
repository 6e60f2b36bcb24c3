package demo_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nyaruka/phonenumbers"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/processor"
)

func load(t *testing.T) map[string]*memadapter.Adapter {
	t.Helper()
	as, err := demo.Adapters()
	if err != nil {
		t.Fatal(err)
	}
	m := make(map[string]*memadapter.Adapter)
	for _, a := range as {
		m[a.Name()] = a
	}
	return m
}

func TestAdapters(t *testing.T) {
	as, err := demo.Adapters(memadapter.WithPhoneRegion("US"))
	if err != nil {
		t.Fatal(err)
	}
	type store struct {
		Name       string
		People     int
		Anonymizes bool
	}
	var got []store
	for _, a := range as {
		got = append(got, store{a.Name(), a.Len(), a.Anonymizes()})
	}
	want := []store{{demo.Directory, 60, false}, {demo.CRM, 170, true}, {demo.Dialer, 100, false}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stores mismatch (-want +got):\n%s", diff)
	}
}

// found returns, per store, the records of the people a term finds.
func found(t *testing.T, stores map[string]*memadapter.Adapter, k gdpr.Kind, v string) map[string][]adapter.Record {
	t.Helper()
	term, err := adapter.Normalizer{}.Term(gdpr.Term{Kind: k, Value: v})
	if err != nil {
		t.Fatal(err)
	}
	m := make(map[string][]adapter.Record)
	for name, a := range stores {
		err := a.Export(t.Context(), adapter.Op{}, []gdpr.Term{term}, func(r adapter.Record) error {
			if r.Fields["person"] == nil {
				m[name] = append(m[name], r)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func TestNotablePeople(t *testing.T) {
	stores := load(t)
	keys := func(m map[string][]adapter.Record) map[string][]string {
		out := make(map[string][]string)
		for name, recs := range m {
			for _, r := range recs {
				out[name] = append(out[name], r.Kind+"/"+r.ID)
			}
		}
		return out
	}
	cases := []struct {
		name string
		kind gdpr.Kind
		v    string
		want map[string][]string
	}{
		{"namesakes", gdpr.KindName, demo.AlexMorgan, map[string][]string{
			demo.CRM: {"externalContact/c-0002", "externalContact/c-0003"}, demo.Dialer: {"dialerContact/d-0001"}}},
		{"Alex Morgan of London", gdpr.KindEmail, demo.AlexMorganLondonEmail, map[string][]string{
			demo.CRM: {"externalContact/c-0002"}}},
		{"Alex Morgan of London by phone", gdpr.KindPhone, demo.AlexMorganLondonPhone, map[string][]string{
			demo.CRM: {"externalContact/c-0002"}}},
		{"Alex Morgan of Seattle", gdpr.KindEmail, demo.AlexMorganSeattleEmail, map[string][]string{
			demo.CRM: {"externalContact/c-0003"}, demo.Dialer: {"dialerContact/d-0001"}}},
		{"Alex Morgan of Seattle by phone", gdpr.KindPhone, demo.AlexMorganSeattlePhone, map[string][]string{
			demo.CRM: {"externalContact/c-0003"}, demo.Dialer: {"dialerContact/d-0001"}}},
		{"Sam Rivera", gdpr.KindEmail, demo.SamRiveraEmail, map[string][]string{
			demo.Directory: {"user/u-0001"}, demo.CRM: {"externalContact/c-0001"}}},
		{"Sam Rivera by work phone", gdpr.KindPhone, demo.SamRiveraWorkPhone, map[string][]string{
			demo.Directory: {"user/u-0001"}}},
		{"Jordan Blake", gdpr.KindEmail, demo.JordanBlakeEmail, map[string][]string{
			demo.Directory: {"user/u-0002"}}},
		{"Lena Fischer", gdpr.KindEmail, "LENA.FISCHER@xn--BCHER-KVA.example", map[string][]string{
			demo.CRM: {"externalContact/c-0004"}}},
		{"Lena Fischer by name", gdpr.KindName, demo.LenaFischer, map[string][]string{
			demo.CRM: {"externalContact/c-0004"}}},
	}
	for _, c := range cases {
		if diff := cmp.Diff(c.want, keys(found(t, stores, c.kind, c.v))); diff != "" {
			t.Errorf("%s: records found mismatch (-want +got):\n%s", c.name, diff)
		}
	}
	sam := found(t, stores, gdpr.KindEmail, demo.SamRiveraEmail)[demo.Directory][0]
	jordan := found(t, stores, gdpr.KindEmail, demo.JordanBlakeEmail)[demo.Directory][0]
	if sam.Fields["employment"] != "current" || sam.Fields["name"] != demo.SamRivera ||
		jordan.Fields["employment"] != "former" || jordan.Fields["name"] != demo.JordanBlake {
		t.Errorf("employees: Sam %v, Jordan %v; want Sam Rivera current and Jordan Blake former", sam.Fields, jordan.Fields)
	}
}

// TestSharedAndInternational checks the traits the demo relies on: CRM
// customers on the dialer lists, and phones from many countries.
func TestSharedAndInternational(t *testing.T) {
	stores := load(t)
	regions := make(map[string]bool)
	shared := 0
	for _, r := range stores[demo.Dialer].Records() {
		phones, _ := r.Fields["phones"].([]string)
		for _, p := range phones {
			n, err := phonenumbers.Parse(p, "")
			if err != nil {
				t.Fatalf("dialer phone of %s: %v", r.ID, err)
			}
			regions[phonenumbers.GetRegionCodeForNumber(n)] = true
			got, err := stores[demo.CRM].Search(t.Context(), gdpr.Term{Kind: gdpr.KindPhone, Value: p})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) > 0 {
				shared++
			}
		}
	}
	if shared != 30 {
		t.Errorf("%d dialer contacts share a phone with a CRM customer, want 30", shared)
	}
	if len(regions) < 8 {
		t.Errorf("dialer phones come from %d regions, want 8 or more", len(regions))
	}
}

// TestEraseSamRivera erases the employee who is also a customer in every
// store, as the demo does: the directory keeps the work identity, the CRM
// anonymizes.
func TestEraseSamRivera(t *testing.T) {
	stores := load(t)
	term := gdpr.Term{Kind: gdpr.KindEmail, Value: demo.SamRiveraEmail}
	for _, name := range []string{demo.Directory, demo.CRM, demo.Dialer} {
		a := stores[name]
		keep := func(ctx context.Context, rec adapter.Record) (string, bool, error) {
			return processor.CurrentEmployees{}.Retain(ctx, name, rec)
		}
		out, err := a.Erase(t.Context(), adapter.Op{RequestID: "req-1", ID: "req-1/" + name}, []gdpr.Term{term}, keep)
		if err != nil {
			t.Fatal(err)
		}
		switch name {
		case demo.Directory:
			want := gdpr.Outcome{Retained: []gdpr.Retention{{Basis: processor.EmployeeBasis, Records: 1}}}
			if diff := cmp.Diff(want, out); diff != "" {
				t.Errorf("directory outcome mismatch (-want +got):\n%s", diff)
			}
		case demo.CRM:
			if out.Anonymized < 1 || out.Deleted != 0 || len(out.Retained) != 0 {
				t.Errorf("crm outcome %+v, want only anonymized records", out)
			}
		case demo.Dialer:
			if diff := cmp.Diff(gdpr.Outcome{}, out); diff != "" {
				t.Errorf("dialer outcome mismatch (-want +got):\n%s", diff)
			}
		}
	}
	got := found(t, stores, gdpr.KindEmail, demo.SamRiveraEmail)
	if len(got[demo.Directory]) != 1 || len(got[demo.CRM]) != 0 {
		t.Errorf("after erasure Sam Rivera's email finds %v, want the directory record only", got)
	}
}
