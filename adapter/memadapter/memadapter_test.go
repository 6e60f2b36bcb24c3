package memadapter_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/adaptertest"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/processor"
)

func TestConformance(t *testing.T) {
	adaptertest.TestAdapter(t, func(t *testing.T, fx adaptertest.Fixture) adapter.Adapter {
		return mustLoad(t, testkit.Dataset(fx))
	})
}

// TestConformanceAnonymize runs the suite on an adapter that anonymizes,
// loaded from JSON.
func TestConformanceAnonymize(t *testing.T) {
	adaptertest.TestAdapter(t, func(t *testing.T, fx adaptertest.Fixture) adapter.Adapter {
		opts := []memadapter.Option{memadapter.WithAnonymize()}
		if len(fx.Organizations()) > 0 {
			opts = append(opts, memadapter.WithTenantScope())
		}
		a, err := memadapter.New("memory-anonymizing", opts...)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(testkit.Dataset(fx))
		if err != nil {
			t.Fatal(err)
		}
		if err := a.LoadJSON(bytes.NewReader(b)); err != nil {
			t.Fatal(err)
		}
		return a
	})
}

func mustLoad(t *testing.T, ds memadapter.Dataset, opts ...memadapter.Option) *memadapter.Adapter {
	t.Helper()
	return testkit.Memory(t, "memory", ds, opts...)
}

func term(t *testing.T, k gdpr.Kind, v string) gdpr.Term {
	t.Helper()
	n, err := adapter.Normalizer{}.Value(k, v)
	if err != nil {
		t.Fatal(err)
	}
	return gdpr.Term{Kind: k, Value: n}
}

func nothing(context.Context, adapter.Record) (string, bool, error) { return "", false, nil }

// small is a data set of two people: a customer with a chat and an order,
// and a current employee with a chat.
func small() memadapter.Dataset {
	return memadapter.Dataset{
		People: []memadapter.Person{
			{Key: "c1", Kind: memadapter.KindExternalContact, ExternalContactID: "ec-1", Name: "Alex Morgan",
				Emails: []string{"alex@example.com", "alex.m@example.org"}, Phones: []string{"+442079460123"}},
			{Key: "u1", Kind: memadapter.KindUser, UserID: "u-1", Name: "Sam Rivera",
				Emails: []string{"sam.rivera@example.com"}, Employment: memadapter.EmploymentCurrent},
		},
		Records: []memadapter.LinkedRecord{
			{ID: "chat-1", Kind: "chatTranscript", Person: "c1", Fields: map[string]any{"text": "Hello, Alex here"}},
			{ID: "order-1", Kind: "order", Person: "c1", Fields: map[string]any{"total": 12.5}},
			{ID: "chat-2", Kind: "chatTranscript", Person: "u1", Fields: map[string]any{"text": "Sam here"}},
		},
	}
}

// where is what a DataError says about where a defect is.
type where struct{ Person, Record, Field string }

func TestLoadErrors(t *testing.T) {
	person := func(change func(*memadapter.Person)) memadapter.Dataset {
		ds := small()
		change(&ds.People[0])
		return ds
	}
	record := func(change func(*memadapter.LinkedRecord)) memadapter.Dataset {
		ds := small()
		change(&ds.Records[0])
		return ds
	}
	cases := []struct {
		name   string
		ds     memadapter.Dataset
		want   where
		secret string // a value the error must not show
	}{
		{"duplicate key", person(func(p *memadapter.Person) { p.Key = "u1" }),
			where{Person: "u1", Field: "key"}, ""},
		{"no key", person(func(p *memadapter.Person) { p.Key = "" }),
			where{Field: "key"}, ""},
		{"unknown kind", person(func(p *memadapter.Person) { p.Kind = "customer" }),
			where{Person: "c1", Field: "kind"}, ""},
		{"unknown employment", person(func(p *memadapter.Person) { p.Employment = "contractor" }),
			where{Person: "c1", Field: "employment"}, ""},
		{"invalid email", person(func(p *memadapter.Person) { p.Emails[1] = "alex.at.example.org" }),
			where{Person: "c1", Field: "emails[1]"}, "alex.at.example.org"},
		{"invalid email domain", person(func(p *memadapter.Person) { p.Emails[0] = "alex@secret-host" }),
			where{Person: "c1", Field: "emails[0]"}, "secret-host"},
		{"national phone without a region", person(func(p *memadapter.Person) { p.Phones[0] = "020 7946 0123" }),
			where{Person: "c1", Field: "phones[0]"}, "7946"},
		{"invalid phone", person(func(p *memadapter.Person) { p.Phones[0] = "+44 12" }),
			where{Person: "c1", Field: "phones[0]"}, "+44 12"},
		{"blank name", person(func(p *memadapter.Person) { p.Name = "   " }),
			where{Person: "c1", Field: "name"}, ""},
		{"social handle type", person(func(p *memadapter.Person) {
			p.SocialHandles = []gdpr.SocialHandle{{Type: "MYSPACE", Value: "alexm"}}
		}), where{Person: "c1", Field: "socialHandles[0].type"}, "alexm"},
		{"dialer contact without list", person(func(p *memadapter.Person) {
			p.DialerContactID = &gdpr.DialerContactID{ID: "dc-1"}
		}), where{Person: "c1", Field: "dialerContactId.contactListId"}, ""},
		{"journey customer without type", person(func(p *memadapter.Person) {
			p.JourneyCustomer = &gdpr.JourneyCustomer{ID: "jc-1"}
		}), where{Person: "c1", Field: "journeyCustomer.type"}, ""},
		{"shared user id", person(func(p *memadapter.Person) { p.UserID = "u-1" }),
			where{Person: "u1", Field: "userId"}, ""},
		{"attributes not JSON", person(func(p *memadapter.Person) { p.Attributes = map[string]any{"f": func() {}} }),
			where{Person: "c1", Field: "attributes"}, ""},
		{"link to unknown person", record(func(r *memadapter.LinkedRecord) { r.Person = "nobody" }),
			where{Record: "chat-1", Field: "person"}, ""},
		{"duplicate record id", record(func(r *memadapter.LinkedRecord) { r.ID = "order-1" }),
			where{Record: "order-1", Field: "id"}, ""},
		{"record id of a person", record(func(r *memadapter.LinkedRecord) { r.ID = "u1" }),
			where{Record: "u1", Field: "id"}, ""},
		{"record without kind", record(func(r *memadapter.LinkedRecord) { r.Kind = "" }),
			where{Record: "chat-1", Field: "kind"}, ""},
		{"reserved field", record(func(r *memadapter.LinkedRecord) { r.Fields["person"] = "someone else" }),
			where{Record: "chat-1", Field: "fields.person"}, "someone else"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := memadapter.New("memory")
			if err != nil {
				t.Fatal(err)
			}
			err = a.Load(c.ds)
			var de *memadapter.DataError
			if !errors.As(err, &de) {
				t.Fatalf("Load: error %v, want a *DataError", err)
			}
			got := where{Person: de.Person, Record: de.Record, Field: de.Field}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("DataError mismatch (-want +got):\n%s\nerror: %v", diff, err)
			}
			if !strings.HasPrefix(err.Error(), "memadapter: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			if c.secret != "" && strings.Contains(err.Error(), c.secret) {
				t.Errorf("error %q shows the personal value", err)
			}
			if n := a.Len(); n != 0 {
				t.Errorf("after a failed Load the adapter holds %d people, want 0", n)
			}
		})
	}
}

func TestLoadAddsAndChecksAgainstHeld(t *testing.T) {
	a := mustLoad(t, small())
	more := memadapter.Dataset{
		People: []memadapter.Person{{Key: "c2", Kind: memadapter.KindExternalContact, Emails: []string{"alex@example.com"}}},
		Records: []memadapter.LinkedRecord{
			{ID: "order-2", Kind: "order", Person: "c1"},
			{ID: "order-3", Kind: "order", Person: "c2"},
		},
	}
	if err := a.Load(more); err != nil {
		t.Fatalf("Load of more people: %v", err)
	}
	if n := a.Len(); n != 3 {
		t.Errorf("Len = %d, want 3", n)
	}
	got, err := a.Search(t.Context(), term(t, gdpr.KindEmail, "ALEX@example.com"))
	if err != nil || len(got) != 2 {
		t.Errorf("Search of an email two people share: %d subjects, %v; want 2", len(got), err)
	}
	var n int
	err = a.Export(t.Context(), adapter.Op{}, []gdpr.Term{{Kind: gdpr.KindExternalContactID, Value: "ec-1"}},
		func(adapter.Record) error { n++; return nil })
	if err != nil || n != 4 {
		t.Errorf("Export of c1 after a record was linked to it: %d records, %v; want 4", n, err)
	}

	err = a.Load(memadapter.Dataset{People: []memadapter.Person{{Key: "c2", Kind: memadapter.KindUser, UserID: "u-1"}}})
	var de *memadapter.DataError
	if !errors.As(err, &de) {
		t.Fatalf("Load of a held key and a held user id: error %v, want *DataError", err)
	}
	if n := strings.Count(err.Error(), "memadapter: person"); n != 2 {
		t.Errorf("Load reported %d defects, want 2 (key and userId): %v", n, err)
	}
}

func TestLoadJSON(t *testing.T) {
	a, err := memadapter.New("memory")
	if err != nil {
		t.Fatal(err)
	}
	const ok = `{"people": [{"key": "p1", "kind": "user", "userId": "u-1", "emails": ["a@example.com"],
		"attributes": {"n": 1}}], "records": [{"id": "r1", "kind": "note", "person": "p1", "fields": {"x": [1, "y"]}}]}`
	if err := a.LoadJSON(strings.NewReader(ok)); err != nil {
		t.Fatalf("LoadJSON: %v", err)
	}
	want := []adapter.Record{
		{Kind: "note", ID: "r1", Fields: map[string]any{"x": []any{1.0, "y"}, "person": "p1"}},
		{Kind: "user", ID: "p1", Fields: map[string]any{"userId": "u-1", "emails": []string{"a@example.com"},
			"attributes": map[string]any{"n": 1.0}}},
	}
	if diff := cmp.Diff(want, a.Records()); diff != "" {
		t.Errorf("Records mismatch (-want +got):\n%s", diff)
	}
	for _, bad := range []string{
		`{"people": [{"key": "p2", "kind": "user", "mail": "a@example.com"}]}`,
		`{"people": []} {"people": []}`,
		`{"people": [`,
	} {
		if err := a.LoadJSON(strings.NewReader(bad)); err == nil || !strings.HasPrefix(err.Error(), "memadapter: ") {
			t.Errorf("LoadJSON(%s): error %v, want a memadapter error", bad, err)
		}
	}
	if n := a.Len(); n != 1 {
		t.Errorf("Len = %d after failed loads, want 1", n)
	}
}

func TestNew(t *testing.T) {
	if _, err := memadapter.New(""); err == nil {
		t.Error("New with no name: no error")
	}
	if _, err := memadapter.New("x", memadapter.WithPhoneRegion("XX")); err == nil {
		t.Error("New with region XX: no error")
	}
	a := mustLoad(t, memadapter.Dataset{People: []memadapter.Person{
		{Key: "p1", Kind: memadapter.KindDialerContact, Phones: []string{"020 7946 0123"}},
	}}, memadapter.WithPhoneRegion("gb"))
	got, err := a.Search(t.Context(), term(t, gdpr.KindPhone, "+442079460123"))
	if err != nil || len(got) != 1 {
		t.Errorf("Search of a national number read in GB: %d subjects, %v; want 1", len(got), err)
	}
	if a.Name() != "memory" || a.Anonymizes() {
		t.Errorf("Name %q, Anonymizes %v; want memory, false", a.Name(), a.Anonymizes())
	}
}

func TestEraseAnonymizes(t *testing.T) {
	ctx := t.Context()
	a := mustLoad(t, small(), memadapter.WithAnonymize())
	byEmail := []gdpr.Term{term(t, gdpr.KindEmail, "alex@example.com")}
	out, err := a.Erase(ctx, adapter.Op{RequestID: "r", ID: "r/1"}, byEmail, nothing)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(gdpr.Outcome{Anonymized: 3}, out); diff != "" {
		t.Errorf("outcome mismatch (-want +got):\n%s", diff)
	}
	if n := a.Len(); n != 2 {
		t.Errorf("Len = %d, want 2: anonymized people stay", n)
	}
	held := make(map[string]adapter.Record)
	for _, r := range a.Records() {
		held[r.ID] = r
	}
	want := map[string]adapter.Record{
		"c1":      {Kind: "externalContact", ID: "c1", Fields: map[string]any{"anonymized": true}},
		"chat-1":  {Kind: "chatTranscript", ID: "chat-1", Fields: map[string]any{"text": memadapter.Redacted, "person": "c1"}},
		"order-1": {Kind: "order", ID: "order-1", Fields: map[string]any{"total": memadapter.Redacted, "person": "c1"}},
	}
	for id, w := range want {
		if diff := cmp.Diff(w, held[id]); diff != "" {
			t.Errorf("record %s mismatch (-want +got):\n%s", id, diff)
		}
	}
	for _, tm := range []gdpr.Term{
		term(t, gdpr.KindEmail, "alex.m@example.org"),
		term(t, gdpr.KindPhone, "+442079460123"),
		term(t, gdpr.KindName, "Alex Morgan"),
	} {
		if got, _ := a.Search(ctx, tm); len(got) != 0 {
			t.Errorf("Search by %s finds the anonymized person", tm)
		}
	}

	// A retained employee keeps its record; its chat is anonymized, once.
	keep := func(ctx context.Context, rec adapter.Record) (string, bool, error) {
		return processor.CurrentEmployees{}.Retain(ctx, a.Name(), rec)
	}
	bySam := []gdpr.Term{term(t, gdpr.KindUserID, "u-1")}
	for i, want := range []gdpr.Outcome{
		{Anonymized: 1, Retained: []gdpr.Retention{{Basis: processor.EmployeeBasis, Records: 1}}},
		{Retained: []gdpr.Retention{{Basis: processor.EmployeeBasis, Records: 1}}},
	} {
		out, err := a.Erase(ctx, adapter.Op{RequestID: "r", ID: "r/sam/" + string(rune('a'+i))}, bySam, keep)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, out); diff != "" {
			t.Errorf("erasure %d of the employee: outcome mismatch (-want +got):\n%s", i+1, diff)
		}
	}
	var recs []adapter.Record
	if err := a.Export(ctx, adapter.Op{}, bySam, func(r adapter.Record) error { recs = append(recs, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].Fields["employment"] != "current" || recs[1].Fields["text"] != memadapter.Redacted {
		t.Errorf("Export of the retained employee: %v, want the user record and the redacted chat", recs)
	}
}

func TestEraseKeepsLinkedRecordOfDeletedPerson(t *testing.T) {
	a := mustLoad(t, small())
	const hold = "legal hold: accounting records"
	keep := func(_ context.Context, rec adapter.Record) (string, bool, error) {
		return hold, rec.Kind == "order", nil
	}
	out, err := a.Erase(t.Context(), adapter.Op{RequestID: "r", ID: "r/1"},
		[]gdpr.Term{{Kind: gdpr.KindExternalContactID, Value: "ec-1"}}, keep)
	if err != nil {
		t.Fatal(err)
	}
	want := gdpr.Outcome{Deleted: 2, Retained: []gdpr.Retention{{Basis: hold, Records: 1}}}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("outcome mismatch (-want +got):\n%s", diff)
	}
	var ids []string
	for _, r := range a.Records() {
		ids = append(ids, r.ID)
	}
	if diff := cmp.Diff([]string{"chat-2", "order-1", "u1"}, ids); diff != "" {
		t.Errorf("records held after erasure mismatch (-want +got):\n%s", diff)
	}
}

// TestEraseKeepMayCallAdapter checks that keep runs without the adapter
// locked.
func TestEraseKeepMayCallAdapter(t *testing.T) {
	a := mustLoad(t, small())
	keep := func(ctx context.Context, rec adapter.Record) (string, bool, error) {
		if _, err := a.Search(ctx, gdpr.Term{Kind: gdpr.KindUserID, Value: "u-1"}); err != nil {
			t.Errorf("Search from keep: %v", err)
		}
		return "", false, nil
	}
	out, err := a.Erase(t.Context(), adapter.Op{RequestID: "r", ID: "r/1"},
		[]gdpr.Term{{Kind: gdpr.KindUserID, Value: "u-1"}}, keep)
	if err != nil || out.Deleted != 2 {
		t.Errorf("Erase: %+v, %v; want 2 deleted", out, err)
	}
}

func TestRectify(t *testing.T) {
	ctx := t.Context()
	a := mustLoad(t, small())
	byID := []gdpr.Term{{Kind: gdpr.KindExternalContactID, Value: "ec-1"}}

	// Merging one email into another keeps it once.
	out, err := a.Rectify(ctx, adapter.Op{RequestID: "r", ID: "r/1"}, byID, []adapter.Change{
		{Kind: gdpr.KindEmail, Existing: "alex.m@example.org", Updated: "Alex@Example.com"},
	})
	if err != nil || out.Updated != 1 {
		t.Fatalf("Rectify: %+v, %v; want 1 updated", out, err)
	}
	s, err := a.Resolve(ctx, byID[0])
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"alex@example.com"}, s.EmailAddresses); diff != "" {
		t.Errorf("emails after merging mismatch (-want +got):\n%s", diff)
	}

	// An invalid updated value fails, changes nothing and is not shown.
	_, err = a.Rectify(ctx, adapter.Op{RequestID: "r", ID: "r/2"}, byID, []adapter.Change{
		{Kind: gdpr.KindPhone, Existing: "+442079460123", Updated: "0207 SECRET"},
	})
	if !errors.Is(err, gdpr.ErrBadRequest) || strings.Contains(err.Error(), "SECRET") {
		t.Errorf("Rectify to an invalid phone: error %v, want a bad request without the value", err)
	}
	if got, _ := a.Search(ctx, term(t, gdpr.KindPhone, "+442079460123")); len(got) != 1 {
		t.Errorf("after a failed Rectify the phone finds %d subjects, want 1", len(got))
	}

	// Id kinds are not rectified.
	out, err = a.Rectify(ctx, adapter.Op{RequestID: "r", ID: "r/3"}, byID, []adapter.Change{
		{Kind: gdpr.KindExternalContactID, Existing: "ec-1", Updated: "ec-2"},
	})
	if err != nil || out.Updated != 0 {
		t.Errorf("Rectify of an id: %+v, %v; want nothing updated", out, err)
	}
}

func TestResolveNotAnID(t *testing.T) {
	a := mustLoad(t, small())
	_, err := a.Resolve(t.Context(), term(t, gdpr.KindEmail, "alex@example.com"))
	if err == nil || errors.Is(err, gdpr.ErrNotFound) || strings.Contains(err.Error(), "alex@") {
		t.Errorf("Resolve of an email: error %v, want an error that is not ErrNotFound and hides the value", err)
	}
}
