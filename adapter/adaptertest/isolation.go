package adaptertest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

// isolationSuites run on the data set of NewTenantFixture.
var isolationSuites = []struct {
	name string
	run  func(*adapterFixture)
}{
	{"NoOrganization", testIsolationNoOrganization},
	{"Search", testIsolationSearch},
	{"Resolve", testIsolationResolve},
	{"Export", testIsolationExport},
	{"Rectify", testIsolationRectify},
	{"Erase", testIsolationErase},
}

// as returns the test's context acting for org.
func (f *adapterFixture) as(org string) context.Context {
	return gdpr.ContextWithOrganization(f.t.Context(), org)
}

// jordan returns the normalized terms both Jordans carry, and the ids of
// both, so that a call for one organization names the other's id too.
func (f *adapterFixture) jordan() []gdpr.Term {
	f.t.Helper()
	var ts []gdpr.Term
	for _, t := range jordanTerms() {
		ts = append(ts, f.term(t.Kind, t.Value, t.Scope))
	}
	ts = append(ts, f.term(gdpr.KindExternalContactID, "ec-a-jordan", ""),
		f.term(gdpr.KindExternalContactID, "ec-b-jordan", ""))
	return ts
}

// exportAs exports terms for org, sorted by kind and id.
func (f *adapterFixture) exportAs(org string, op string, terms []gdpr.Term) []adapter.Record {
	f.t.Helper()
	var recs []adapter.Record
	err := f.a.Export(f.as(org), adapter.Op{RequestID: op, ID: op + "/" + f.a.Name()}, terms,
		func(r adapter.Record) error {
			recs = append(recs, r)
			return nil
		})
	if err != nil {
		f.t.Fatalf("Export for %s: %v", org, err)
	}
	slices.SortFunc(recs, func(a, b adapter.Record) int {
		return strings.Compare(a.Kind+"\x00"+a.ID, b.Kind+"\x00"+b.ID)
	})
	return recs
}

// searchAs searches term for org.
func (f *adapterFixture) searchAs(org string, term gdpr.Term) []gdpr.Subject {
	f.t.Helper()
	got, err := f.a.Search(f.as(org), term)
	if err != nil {
		f.t.Fatalf("Search by %s for %s: %v", term, org, err)
	}
	return adapterSorted(got)
}

func testIsolationNoOrganization(f *adapterFixture) {
	ctx := f.t.Context() // no organization
	terms := f.jordan()
	op := adapter.Op{RequestID: "req-none", ID: "req-none/" + f.a.Name()}
	refused := func(what string, err error) {
		f.t.Helper()
		if !errors.Is(err, adapter.ErrNoOrganization) {
			f.t.Errorf("%s without an organization: error %v, want one matching adapter.ErrNoOrganization", what, err)
		}
	}
	ss, err := f.a.Search(ctx, terms[1])
	refused("Search", err)
	if len(ss) > 0 {
		f.t.Errorf("Search without an organization returned %d subjects", len(ss))
	}
	_, err = f.a.Resolve(ctx, f.term(gdpr.KindExternalContactID, "ec-a-jordan", ""))
	refused("Resolve", err)
	emitted := 0
	err = f.a.Export(ctx, op, terms, func(adapter.Record) error { emitted++; return nil })
	refused("Export", err)
	if emitted > 0 {
		f.t.Errorf("Export without an organization emitted %d records", emitted)
	}
	_, err = f.a.Rectify(ctx, op, terms, []adapter.Change{{Kind: gdpr.KindName, Existing: terms[0].Value, Updated: "Jordan Black"}})
	refused("Rectify", err)
	var asked int
	_, err = f.a.Erase(ctx, op, terms, func(context.Context, adapter.Record) (string, bool, error) {
		asked++
		return "", false, nil
	})
	refused("Erase", err)
	if asked > 0 {
		f.t.Errorf("Erase without an organization asked keep about %d records", asked)
	}
	for _, org := range []string{OrgA, OrgB} {
		for _, key := range []string{"a-jordan", "b-jordan", "b-casey"} {
			if f.person(key).Organization == org {
				f.wantIntactAs(org, key)
			}
		}
	}
}

// wantIntactAs checks, acting for org, that every term of the person
// still finds it as loaded.
func (f *adapterFixture) wantIntactAs(org, key string) {
	f.t.Helper()
	want := f.subject(key)
	for _, t := range f.terms(key) {
		got := f.searchAs(org, t)
		if len(got) != 1 {
			f.t.Errorf("for %s, Search by %s finds %d subjects, want only %s", org, t, len(got), key)
			continue
		}
		f.diff(fmt.Sprintf("for %s, Search by %s", org, t), want, got[0])
	}
}

func testIsolationSearch(f *adapterFixture) {
	for _, t := range f.jordan()[:4] {
		f.diff(fmt.Sprintf("for %s, Search by %s", OrgA, t), f.subjects("a-jordan"), f.searchAs(OrgA, t))
		f.diff(fmt.Sprintf("for %s, Search by %s", OrgB, t), f.subjects("b-jordan"), f.searchAs(OrgB, t))
	}
	for _, key := range []string{"a-jordan", "b-jordan", "b-casey"} {
		f.wantIntactAs(f.person(key).Organization, key)
	}
	// Organization A finds nothing of B's own people and ids.
	for _, t := range append(f.terms("b-casey"), f.term(gdpr.KindExternalContactID, "ec-b-jordan", "")) {
		if got := f.searchAs(OrgA, t); len(got) > 0 {
			f.t.Errorf("for %s, Search by %s (organization B's) finds %d subjects", OrgA, t, len(got))
		}
	}
	// An organization that holds nothing here finds nothing.
	if got := f.searchAs("org-none", f.jordan()[1]); len(got) > 0 {
		f.t.Errorf("for an organization without data, Search finds %d subjects", len(got))
	}
}

func testIsolationResolve(f *adapterFixture) {
	for _, c := range []struct {
		org, id string
		kind    gdpr.Kind
		want    string // "" for not found
	}{
		{OrgA, "ec-a-jordan", gdpr.KindExternalContactID, "a-jordan"},
		{OrgB, "ec-b-jordan", gdpr.KindExternalContactID, "b-jordan"},
		{OrgB, "u-b-casey", gdpr.KindUserID, "b-casey"},
		{OrgA, "ec-b-jordan", gdpr.KindExternalContactID, ""},
		{OrgA, "u-b-casey", gdpr.KindUserID, ""},
		{OrgB, "ec-a-jordan", gdpr.KindExternalContactID, ""},
	} {
		term := f.term(c.kind, c.id, "")
		got, err := f.a.Resolve(f.as(c.org), term)
		if c.want == "" {
			if !errors.Is(err, gdpr.ErrNotFound) {
				f.t.Errorf("for %s, Resolve %s (the other organization's): error %v, want one matching gdpr.ErrNotFound", c.org, term, err)
			}
			continue
		}
		if err != nil {
			f.t.Errorf("for %s, Resolve %s: %v", c.org, term, err)
			continue
		}
		f.diff(fmt.Sprintf("for %s, Resolve %s", c.org, term), f.subject(c.want), got)
	}
}

func testIsolationExport(f *adapterFixture) {
	for _, c := range []struct{ org, key string }{{OrgA, "a-jordan"}, {OrgB, "b-jordan"}} {
		got := adapterCount(f.exportAs(c.org, "req-export-"+c.org, f.jordan()))
		f.diff(fmt.Sprintf("records exported for %s", c.org), f.records(c.key), got)
	}
	if recs := f.exportAs(OrgA, "req-export-casey", f.terms("b-casey")); len(recs) > 0 {
		f.t.Errorf("for %s, Export by organization B's casey emits %v", OrgA, adapterCount(recs))
	}
}

func testIsolationRectify(f *adapterFixture) {
	terms := f.jordan()
	beforeB := f.exportAs(OrgB, "req-before", terms)
	changes := []adapter.Change{
		{Kind: gdpr.KindEmail, Existing: terms[1].Value, Updated: "jordan.blake@example.net"},
		{Kind: gdpr.KindName, Existing: terms[0].Value, Updated: "Jordan Black"},
	}
	out, err := f.a.Rectify(f.as(OrgA), adapter.Op{RequestID: "req-rectify", ID: "req-rectify/" + f.a.Name()}, terms, changes)
	if err != nil {
		f.t.Fatalf("Rectify for %s: %v", OrgA, err)
	}
	if out.Updated < 1 {
		f.t.Errorf("Rectify for %s updated %d records, want organization A's Jordan", OrgA, out.Updated)
	}
	f.diff(fmt.Sprintf("organization B's records after %s's rectification", OrgA), beforeB, f.exportAs(OrgB, "req-after", terms))
	f.wantIntactAs(OrgB, "b-jordan")
	if got := f.searchAs(OrgA, terms[1]); len(got) > 0 {
		f.t.Errorf("for %s, the old email still finds %d subjects after rectification", OrgA, len(got))
	}
	if got := f.searchAs(OrgA, f.term(gdpr.KindEmail, "jordan.blake@example.net", "")); len(got) != 1 {
		f.t.Errorf("for %s, the new email finds %d subjects, want 1", OrgA, len(got))
	}
	if got := f.searchAs(OrgB, f.term(gdpr.KindEmail, "jordan.blake@example.net", "")); len(got) > 0 {
		f.t.Errorf("for %s, organization A's new email finds %d subjects", OrgB, len(got))
	}
}

func testIsolationErase(f *adapterFixture) {
	terms := f.jordan()
	beforeB := f.exportAs(OrgB, "req-before", append(terms, f.terms("b-casey")...))
	var asked []string
	keep := func(_ context.Context, r adapter.Record) (string, bool, error) {
		asked = append(asked, r.Kind+"/"+r.ID)
		return "", false, nil
	}
	out, err := f.a.Erase(f.as(OrgA), adapter.Op{RequestID: "req-erase", ID: "req-erase/" + f.a.Name()}, terms, keep)
	if err != nil {
		f.t.Fatalf("Erase for %s: %v", OrgA, err)
	}
	f.wantErased(fmt.Sprintf("Erase for %s", OrgA), out, len(f.records("a-jordan")), 0)
	for _, r := range asked {
		if strings.Contains(r, "b-") {
			f.t.Errorf("Erase for %s asked keep about organization B's record %s", OrgA, r)
		}
	}
	// The verification of A's erasure: no term finds anything for A,
	// although B holds the same name, email, phone and address.
	for _, t := range terms {
		if got := f.searchAs(OrgA, t); len(got) > 0 {
			f.t.Errorf("after %s's erasure, Search by %s still finds %d subjects for it", OrgA, t, len(got))
		}
	}
	if recs := f.exportAs(OrgA, "req-after-a", terms); len(recs) > 0 {
		f.t.Errorf("after %s's erasure, Export emits %v for it", OrgA, adapterCount(recs))
	}
	f.diff(fmt.Sprintf("organization B's records after %s's erasure", OrgA), beforeB,
		f.exportAs(OrgB, "req-after-b", append(terms, f.terms("b-casey")...)))
	f.wantIntactAs(OrgB, "b-jordan")
	f.wantIntactAs(OrgB, "b-casey")
}
