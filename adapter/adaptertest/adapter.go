package adaptertest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

// TestAdapter runs the conformance suite of adapter.Adapter: every
// contract the interface documents, checked through the interface alone,
// on the data set of a [Fixture].
//
// newAdapter must return a new adapter holding exactly fx, and sharing
// nothing with any other adapter it returns, since the subtests run in
// parallel, each on an adapter of its own. It registers any cleanup with
// t.Cleanup and fails t when the adapter cannot be made.
//
// Beyond the interface's comments, the suite relies on this mapping of the
// fixture, which every adapter keeps so that retention policies and the
// processor see the same records everywhere:
//
//   - Search and Resolve return a person's subject with every field as
//     written in fx ([Person.Subject]); the order of emails, phones and
//     addresses does not matter.
//   - Export gives a person as a Record of the person's Kind whose ID is
//     its Key and whose Fields["employment"] holds its Employment, so that
//     a retention policy can keep current employees; and a linked record
//     as a Record of its Kind and ID whose Fields["person"] is its
//     person's Key.
//   - Records are found through the people they belong to: the terms of a
//     person find its linked records, and nothing else does.
//   - Every method given a context that is already cancelled returns an
//     error matching context.Canceled and changes nothing.
//   - The adapter remembers operations: a repeat of Rectify or Erase with
//     the same Op returns the first run's Outcome, without error.
//   - An Erase's Outcome counts each record matched once: the person and
//     each linked record, as deleted, anonymized or retained.
//
// An adapter may delete or anonymize on Erase; the suite asserts only
// what holds for both: every record matched is reported once as deleted,
// anonymized or retained, and afterwards no term of an erased person finds
// anything.
//
// Isolation: the subtests under "Isolation/" hand newAdapter the data set
// of [NewTenantFixture], whose people each name their Organization.
// newAdapter must then return a tenant-scoped adapter holding both
// organizations' data (a tenant column in SQL, an organization per
// document, ...), which the suite calls with gdpr.ContextWithOrganization.
// Every call without an organization must fail with an error matching
// adapter.ErrNoOrganization and change nothing; search, resolve, export,
// rectify and erase for one organization must never return or touch the
// other's records, linked records included; and once one organization's
// Jordan Blake is erased, no term finds anything for it (so that the
// erasure verifies) while the other's identical data is untouched.
// Fixture.Organizations tells the two data sets apart.
func TestAdapter(t *testing.T, newAdapter func(t *testing.T, fx Fixture) adapter.Adapter) {
	suites := []struct {
		name string
		run  func(*adapterFixture)
	}{
		{"Name", testAdapterName},
		{"Search", testAdapterSearch},
		{"SearchNormalized", testAdapterSearchNormalized},
		{"SearchNoMatch", testAdapterSearchNoMatch},
		{"Namesakes", testAdapterNamesakes},
		{"SearchCopies", testAdapterSearchCopies},
		{"Resolve", testAdapterResolve},
		{"ResolveNotFound", testAdapterResolveNotFound},
		{"Export", testAdapterExport},
		{"ExportEmitError", testAdapterExportEmitError},
		{"Rectify", testAdapterRectify},
		{"EraseNamesake", testAdapterEraseNamesake},
		{"EraseRetained", testAdapterEraseRetained},
		{"EraseRepeat", testAdapterEraseRepeat},
		{"EraseUndecided", testAdapterEraseUndecided},
		{"CancelledContext", testAdapterCancelled},
		{"Concurrent", testAdapterConcurrent},
	}
	for _, s := range suites {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			s.run(&adapterFixture{t: t, fx: NewFixture(), a: newAdapter(t, NewFixture())})
		})
	}
	for _, s := range isolationSuites {
		t.Run("Isolation/"+s.name, func(t *testing.T) {
			t.Parallel()
			s.run(&adapterFixture{t: t, fx: NewTenantFixture(), a: newAdapter(t, NewTenantFixture())})
		})
	}
}

// adapterFixture is one subtest's adapter and the data set it holds.
type adapterFixture struct {
	t  *testing.T
	fx Fixture
	a  adapter.Adapter
	// remote is set by TestRemoteAdapter: id terms are neither searched
	// nor resolved.
	remote bool
}

// adapterRecID names a record in exports.
type adapterRecID struct{ Kind, ID string }

var adapterCmp = cmp.Options{
	cmpopts.EquateEmpty(),
	cmpopts.SortSlices(func(a, b string) bool { return a < b }),
}

func (f *adapterFixture) diff(what string, want, got any) {
	f.t.Helper()
	if d := cmp.Diff(want, got, adapterCmp); d != "" {
		f.t.Errorf("%s mismatch (-want +got):\n%s", what, d)
	}
}

// term returns the term normalized, as the processor hands it over.
func (f *adapterFixture) term(k gdpr.Kind, v, scope string) gdpr.Term {
	f.t.Helper()
	t, err := adapter.Normalizer{}.Term(gdpr.Term{Kind: k, Value: v, Scope: scope})
	if err != nil {
		f.t.Fatalf("normalize %s: %v", k, err)
	}
	return t
}

func (f *adapterFixture) person(key string) Person {
	f.t.Helper()
	for _, p := range f.fx.People {
		if p.Key == key {
			return p
		}
	}
	f.t.Fatalf("the suite's data set has no person %q", key)
	return Person{}
}

// subject is what Search and Resolve must answer for the person.
func (f *adapterFixture) subject(key string) gdpr.Subject {
	f.t.Helper()
	return f.person(key).Subject()
}

func (f *adapterFixture) subjects(keys ...string) []gdpr.Subject {
	f.t.Helper()
	var ss []gdpr.Subject
	for _, k := range keys {
		ss = append(ss, f.subject(k))
	}
	return adapterSorted(ss)
}

// adapterSorted orders subjects by their ids, since the contract leaves
// the order of search results open.
func adapterSorted(ss []gdpr.Subject) []gdpr.Subject {
	id := func(s gdpr.Subject) string {
		var d, j string
		if s.DialerContactID != nil {
			d = s.DialerContactID.ContactListID + "/" + s.DialerContactID.ID
		}
		if s.JourneyCustomer != nil {
			j = s.JourneyCustomer.Type + "/" + s.JourneyCustomer.ID
		}
		return strings.Join([]string{s.UserID, s.ExternalContactID, d, j, s.Name}, "|")
	}
	slices.SortFunc(ss, func(a, b gdpr.Subject) int { return strings.Compare(id(a), id(b)) })
	return ss
}

// terms returns every term of the person, normalized: ids, name, external
// id, every social handle, emails, phones and addresses.
func (f *adapterFixture) terms(key string) []gdpr.Term {
	f.t.Helper()
	var ts []gdpr.Term
	for _, t := range f.person(key).Terms() {
		ts = append(ts, f.term(t.Kind, t.Value, t.Scope))
	}
	return ts
}

// ownTerms returns the terms of the person that nobody else in the data
// set carries.
func (f *adapterFixture) ownTerms(key string) []gdpr.Term {
	f.t.Helper()
	others := make(map[gdpr.Term]bool)
	for _, p := range f.fx.People {
		if p.Key != key {
			for _, t := range f.terms(p.Key) {
				others[t] = true
			}
		}
	}
	return slices.DeleteFunc(f.terms(key), func(t gdpr.Term) bool { return others[t] })
}

// linked returns the records linked to the person.
func (f *adapterFixture) linked(key string) []Linked {
	var rs []Linked
	for _, r := range f.fx.Records {
		if r.Person == key {
			rs = append(rs, r)
		}
	}
	return rs
}

// records returns the records of the people, their linked records
// included, as Export must emit them: once each.
func (f *adapterFixture) records(keys ...string) map[adapterRecID]int {
	f.t.Helper()
	m := make(map[adapterRecID]int)
	for _, k := range keys {
		m[adapterRecID{f.person(k).Kind, k}] = 1
		for _, r := range f.linked(k) {
			m[adapterRecID{r.Kind, r.ID}] = 1
		}
	}
	return m
}

func (f *adapterFixture) search(term gdpr.Term) []gdpr.Subject {
	f.t.Helper()
	got, err := f.a.Search(f.t.Context(), term)
	if err != nil {
		f.t.Fatalf("Search by %s: %v", term, err)
	}
	return adapterSorted(got)
}

// wantFound checks that term finds exactly the people keys.
func (f *adapterFixture) wantFound(term gdpr.Term, keys ...string) {
	f.t.Helper()
	f.diff(fmt.Sprintf("Search by %s", term), f.subjects(keys...), f.search(term))
}

func (f *adapterFixture) export(terms ...gdpr.Term) []adapter.Record {
	f.t.Helper()
	var recs []adapter.Record
	err := f.a.Export(f.t.Context(), adapter.Op{RequestID: "req-export", ID: "req-export/" + f.a.Name()}, terms,
		func(r adapter.Record) error {
			recs = append(recs, r)
			return nil
		})
	if err != nil {
		f.t.Fatalf("Export: %v", err)
	}
	slices.SortFunc(recs, func(a, b adapter.Record) int {
		return strings.Compare(a.Kind+"\x00"+a.ID, b.Kind+"\x00"+b.ID)
	})
	return recs
}

func adapterCount(recs []adapter.Record) map[adapterRecID]int {
	m := make(map[adapterRecID]int)
	for _, r := range recs {
		m[adapterRecID{r.Kind, r.ID}]++
	}
	return m
}

// wantIntact checks that every term of each person still finds it as it
// was loaded, and that Resolve still resolves its ids.
func (f *adapterFixture) wantIntact(keys ...string) {
	f.t.Helper()
	for _, key := range keys {
		want := f.subject(key)
		for _, t := range f.terms(key) {
			if f.remote && t.Kind.IsID() {
				continue
			}
			if !slices.ContainsFunc(f.search(t), func(s gdpr.Subject) bool { return cmp.Equal(want, s, adapterCmp) }) {
				f.t.Errorf("Search by %s no longer finds %s as loaded", t, key)
			}
			if t.Kind.IsID() {
				got, err := f.a.Resolve(f.t.Context(), t)
				if err != nil {
					f.t.Errorf("Resolve %s of %s: %v", t, key, err)
					continue
				}
				f.diff(fmt.Sprintf("Resolve %s of %s", t, key), want, got)
			}
		}
	}
}

// wantGone checks that nothing of an erased person is found any more:
// not by any term it alone carried, not by Resolve, not by Export.
func (f *adapterFixture) wantGone(keys ...string) {
	f.t.Helper()
	for _, key := range keys {
		own := f.ownTerms(key)
		for _, t := range own {
			if got := f.search(t); len(got) > 0 {
				f.t.Errorf("after erasing %s, Search by %s still finds %d subjects", key, t, len(got))
			}
			if t.Kind.IsID() {
				_, err := f.a.Resolve(f.t.Context(), t)
				if !errors.Is(err, gdpr.ErrNotFound) {
					f.t.Errorf("after erasing %s, Resolve %s: error %v, want one matching gdpr.ErrNotFound", key, t, err)
				}
			}
		}
		if recs := f.export(own...); len(recs) > 0 {
			f.t.Errorf("after erasing %s, Export by its terms emits %v", key, adapterCount(recs))
		}
	}
}

// wantErased checks the counts of an erasure: erased records deleted or
// anonymized, retained records kept.
func (f *adapterFixture) wantErased(what string, out gdpr.Outcome, erased, retained int) {
	f.t.Helper()
	if n := out.Deleted + out.Anonymized; n != erased {
		f.t.Errorf("%s: %d records deleted and %d anonymized, want %d in all", what, out.Deleted, out.Anonymized, erased)
	}
	if n := out.RetainedCount(); n != retained {
		f.t.Errorf("%s: %d records retained, want %d (%+v)", what, n, retained, out.Retained)
	}
	if out.Updated != 0 || out.Exported != 0 {
		f.t.Errorf("%s: outcome %+v counts updates or exports", what, out)
	}
}

func testAdapterName(f *adapterFixture) {
	name := f.a.Name()
	if name == "" {
		f.t.Error("Name is empty")
	}
	f.search(f.term(gdpr.KindEmail, "sam.rivera@example.com", ""))
	if again := f.a.Name(); again != name {
		f.t.Errorf("Name changed from %q to %q", name, again)
	}
}

func testAdapterSearch(f *adapterFixture) {
	cases := []struct {
		name  string
		kind  gdpr.Kind
		value string
		scope string
		want  []string
	}{
		{"NAME", gdpr.KindName, "Sam Rivera", "", []string{"sam"}},
		{"ADDRESS", gdpr.KindAddress, "1 High Street, London N1 9GU", "", []string{"alex-1"}},
		{"PHONE", gdpr.KindPhone, "+14155550123", "", []string{"alex-2"}},
		{"PHONE/written loosely in the data", gdpr.KindPhone, "+81312345678", "", []string{"kim"}},
		{"EMAIL", gdpr.KindEmail, "sam.rivera@example.com", "", []string{"sam"}},
		{"EMAIL/second of a person", gdpr.KindEmail, "sam@example.net", "", []string{"sam"}},
		{"EMAIL/internationalized domain", gdpr.KindEmail, "robin@bücher.example", "", []string{"robin"}},
		{"TWITTER", gdpr.KindTwitter, "AlexMorgan", "", []string{"alex-1"}},
		{"INSTAGRAM", gdpr.KindInstagram, "alex.morgan.sf", "", []string{"alex-2"}},
		{"INSTAGRAM/second handle of a person", gdpr.KindInstagram, "alex.m.london", "", []string{"alex-1"}},
		{"FACEBOOK", gdpr.KindFacebook, "sam.rivera", "", []string{"sam"}},
		{"APPLE_MESSAGES", gdpr.KindAppleMessages, "robin.apple@example.net", "", []string{"robin"}},
		{"EXTERNAL_ID", gdpr.KindExternalID, "CUST-1002", "", []string{"robin"}},
		{"USER_ID", gdpr.KindUserID, "u-kim", "", []string{"kim"}},
		{"EXTERNAL_CONTACT_ID", gdpr.KindExternalContactID, "ec-alex-1", "", []string{"alex-1"}},
		{"DIALER_CONTACT_ID/one list", gdpr.KindDialerContactID, "dc-100", "cl-renewals", []string{"alex-2"}},
		{"DIALER_CONTACT_ID/other list", gdpr.KindDialerContactID, "dc-100", "cl-winback", []string{"dana"}},
		{"JOURNEY_CUSTOMER/one type", gdpr.KindJourneyCustomer, "jc-alex-1", "cookie", []string{"alex-1"}},
		{"JOURNEY_CUSTOMER/other type", gdpr.KindJourneyCustomer, "jc-alex-1", "device", []string{"dana"}},
	}
	for _, c := range cases {
		f.t.Run(c.name, func(t *testing.T) {
			g := *f
			g.t = t
			g.wantFound(g.term(c.kind, c.value, c.scope), c.want...)
		})
	}
	// Every term of every person finds that person.
	for _, p := range f.fx.People {
		f.wantIntact(p.Key)
	}
}

func testAdapterSearchNormalized(f *adapterFixture) {
	cases := []struct {
		name  string
		kind  gdpr.Kind
		value string
		want  []string
	}{
		{"EMAIL/case", gdpr.KindEmail, "  ALEX.Morgan@EXAMPLE.com ", []string{"alex-1"}},
		{"EMAIL/unicode domain case", gdpr.KindEmail, "Robin@BÜCHER.example", []string{"robin"}},
		{"EMAIL/punycode domain", gdpr.KindEmail, "robin@xn--bcher-kva.example", []string{"robin"}},
		{"PHONE/E.164 for spaced data", gdpr.KindPhone, "+442079460123", []string{"alex-1"}},
		{"PHONE/spaced for E.164 data", gdpr.KindPhone, "+1 (415) 555-0123", []string{"alex-2"}},
		{"NAME/case and spaces", gdpr.KindName, "  sam   RIVERA ", []string{"sam"}},
		{"NAME/folded", gdpr.KindName, "ROBIN WEISS", []string{"robin"}},
		{"ADDRESS/case and spaces", gdpr.KindAddress, "1 high street,  london n1 9gu", []string{"alex-1"}},
		{"TWITTER/at sign and case", gdpr.KindTwitter, "@alexmorgan", []string{"alex-1"}},
	}
	for _, c := range cases {
		f.t.Run(c.name, func(t *testing.T) {
			g := *f
			g.t = t
			g.wantFound(g.term(c.kind, c.value, ""), c.want...)
		})
	}
}

func testAdapterSearchNoMatch(f *adapterFixture) {
	cases := []struct {
		name  string
		kind  gdpr.Kind
		value string
		scope string
	}{
		{"EMAIL", gdpr.KindEmail, "nobody@example.com", ""},
		{"PHONE", gdpr.KindPhone, "+14155550199", ""},
		{"NAME", gdpr.KindName, "Nobody Here", ""},
		{"NAME/part of a name", gdpr.KindName, "Alex", ""},
		{"ADDRESS", gdpr.KindAddress, "2 High Street, London N1 9GU", ""},
		{"EXTERNAL_ID", gdpr.KindExternalID, "CUST-9999", ""},
		{"USER_ID", gdpr.KindUserID, "u-nobody", ""},
		{"DIALER_CONTACT_ID/unknown list", gdpr.KindDialerContactID, "dc-100", "cl-other"},
		{"JOURNEY_CUSTOMER/unknown type", gdpr.KindJourneyCustomer, "jc-alex-1", "web"},
		// A value one person carries, asked as another kind.
		{"INSTAGRAM/a FACEBOOK handle", gdpr.KindInstagram, "sam.rivera", ""},
		{"EXTERNAL_ID/an EXTERNAL_CONTACT_ID", gdpr.KindExternalID, "ec-alex-1", ""},
		{"USER_ID/an EXTERNAL_CONTACT_ID", gdpr.KindUserID, "ec-robin", ""},
	}
	for _, c := range cases {
		f.t.Run(c.name, func(t *testing.T) {
			g := *f
			g.t = t
			term := g.term(c.kind, c.value, c.scope)
			got, err := g.a.Search(t.Context(), term)
			if err != nil {
				t.Fatalf("Search by %s: %v, want no error", term, err)
			}
			if len(got) != 0 {
				t.Errorf("Search by %s found %d subjects, want none", term, len(got))
			}
		})
	}
}

func testAdapterNamesakes(f *adapterFixture) {
	both := f.search(f.term(gdpr.KindName, "Alex Morgan", ""))
	f.diff("Search by the namesakes' name", f.subjects("alex-1", "alex-2"), both)
	if len(both) == 2 && cmp.Equal(both[0], both[1]) {
		f.t.Error("the namesakes' subjects are identical; they must carry their own fields")
	}
	f.wantFound(f.term(gdpr.KindEmail, "alex.morgan@example.com", ""), "alex-1")
	f.wantFound(f.term(gdpr.KindEmail, "a.morgan@example.org", ""), "alex-2")
}

func testAdapterSearchCopies(f *adapterFixture) {
	term := f.term(gdpr.KindEmail, "sam.rivera@example.com", "")
	got := f.search(term)
	for i := range got {
		got[i].Name = "changed"
		got[i].EmailAddresses[0] = "changed@example.com"
		got[i].SocialHandle.Value = "changed"
	}
	f.wantFound(term, "sam")
	sub, err := f.a.Resolve(f.t.Context(), f.term(gdpr.KindUserID, "u-sam", ""))
	if err != nil {
		f.t.Fatalf("Resolve: %v", err)
	}
	sub.PhoneNumbers[0] = "+10000000000"
	f.wantIntact("sam")
}

func testAdapterResolve(f *adapterFixture) {
	cases := []struct {
		kind         gdpr.Kind
		value, scope string
		want         string
	}{
		{gdpr.KindUserID, "u-sam", "", "sam"},
		{gdpr.KindUserID, "u-kim", "", "kim"},
		{gdpr.KindExternalContactID, "ec-robin", "", "robin"},
		{gdpr.KindExternalContactID, " ec-alex-1 ", "", "alex-1"},
		{gdpr.KindDialerContactID, "dc-100", "cl-renewals", "alex-2"},
		{gdpr.KindDialerContactID, "dc-100", "cl-winback", "dana"},
		{gdpr.KindJourneyCustomer, "jc-alex-1", "cookie", "alex-1"},
		{gdpr.KindJourneyCustomer, "jc-alex-1", "device", "dana"},
	}
	for _, c := range cases {
		term := f.term(c.kind, c.value, c.scope)
		got, err := f.a.Resolve(f.t.Context(), term)
		if err != nil {
			f.t.Errorf("Resolve %s %q/%q: %v", c.kind, c.scope, c.value, err)
			continue
		}
		f.diff(fmt.Sprintf("Resolve %s %q/%q", c.kind, c.scope, c.value), f.subject(c.want), got)
	}
}

func testAdapterResolveNotFound(f *adapterFixture) {
	cases := []struct {
		kind         gdpr.Kind
		value, scope string
	}{
		{gdpr.KindUserID, "u-nobody", ""},
		{gdpr.KindUserID, "ec-robin", ""},
		{gdpr.KindExternalContactID, "ec-nobody", ""},
		{gdpr.KindExternalContactID, "u-sam", ""},
		{gdpr.KindDialerContactID, "dc-999", "cl-renewals"},
		{gdpr.KindDialerContactID, "dc-100", "cl-other"},
		{gdpr.KindJourneyCustomer, "jc-alex-1", "web"},
		{gdpr.KindJourneyCustomer, "jc-nobody", "cookie"},
	}
	for _, c := range cases {
		_, err := f.a.Resolve(f.t.Context(), f.term(c.kind, c.value, c.scope))
		if !errors.Is(err, gdpr.ErrNotFound) {
			f.t.Errorf("Resolve %s %q/%q: error %v, want one matching gdpr.ErrNotFound", c.kind, c.scope, c.value, err)
		}
	}
}

func testAdapterExport(f *adapterFixture) {
	// Several terms of one person: each record once.
	recs := f.export(f.terms("alex-1")...)
	f.diff("records exported for alex-1 by all of its terms", f.records("alex-1", "alex-2"), adapterCount(recs))
	recs = f.export(f.ownTerms("alex-1")...)
	f.diff("records exported for alex-1 by its own terms", f.records("alex-1"), adapterCount(recs))
	for _, r := range recs {
		if r.ID == "alex-1" {
			continue
		}
		if r.Fields["person"] != "alex-1" {
			f.t.Errorf("linked record %s/%s: Fields[\"person\"] = %v, want \"alex-1\"", r.Kind, r.ID, r.Fields["person"])
		}
	}

	// A shared name: both namesakes and their records.
	recs = f.export(f.term(gdpr.KindName, "Alex Morgan", ""))
	f.diff("records exported by the namesakes' name", f.records("alex-1", "alex-2"), adapterCount(recs))

	// The employee's record carries what retention policies read.
	recs = f.export(f.term(gdpr.KindUserID, "u-sam", ""))
	f.diff("records exported for sam", f.records("sam"), adapterCount(recs))
	for _, r := range recs {
		if r.ID == "sam" && (r.Kind != "user" || r.Fields["employment"] != "current") {
			f.t.Errorf("sam's record is kind %q with employment %v, want kind \"user\" and employment \"current\"", r.Kind, r.Fields["employment"])
		}
	}

	// No match, no records, no error.
	if recs := f.export(f.term(gdpr.KindEmail, "nobody@example.com", "")); len(recs) > 0 {
		f.t.Errorf("Export by an unknown email emitted %v", adapterCount(recs))
	}

	// Records are copies: changing one changes nothing held.
	first := f.export(f.terms("robin")...)
	for _, r := range f.export(f.terms("robin")...) {
		for k := range r.Fields {
			r.Fields[k] = "changed"
		}
	}
	f.diff("records exported again after changing the first export", first, f.export(f.terms("robin")...))

	// Export changed nothing.
	for _, p := range f.fx.People {
		f.wantIntact(p.Key)
	}
}

func testAdapterExportEmitError(f *adapterFixture) {
	stop := errors.New("adaptertest: emit failed")
	calls := 0
	err := f.a.Export(f.t.Context(), adapter.Op{RequestID: "req-export", ID: "req-export/1"},
		f.terms("alex-1"), func(adapter.Record) error {
			calls++
			return stop
		})
	if !errors.Is(err, stop) {
		f.t.Errorf("Export with a failing emit: error %v, want the emit's error", err)
	}
	if calls != 1 {
		f.t.Errorf("emit called %d times after failing, want 1", calls)
	}
}

func testAdapterRectify(f *adapterFixture) {
	ctx := f.t.Context()
	old := f.term(gdpr.KindEmail, "alex.morgan@example.com", "")
	updated := "Alex.Morgan@New.Example.net"
	op := adapter.Op{RequestID: "req-rectify", ID: "req-rectify/email"}
	changes := []adapter.Change{{Kind: gdpr.KindEmail, Existing: old.Value, Updated: updated}}

	out, err := f.a.Rectify(ctx, op, []gdpr.Term{old}, changes)
	if err != nil {
		f.t.Fatalf("Rectify: %v", err)
	}
	f.diff("Rectify outcome", gdpr.Outcome{Updated: 1}, out)
	want := f.subject("alex-1")
	want.EmailAddresses = []string{updated}
	if got := f.search(old); len(got) > 0 {
		f.t.Errorf("Search by the replaced email still finds %d subjects", len(got))
	}
	f.diff("Search by the updated email", []gdpr.Subject{want}, f.search(f.term(gdpr.KindEmail, updated, "")))
	f.diff("Search by the rectified person's phone", []gdpr.Subject{want}, f.search(f.term(gdpr.KindPhone, "+442079460123", "")))

	// A repeat is harmless.
	again, err := f.a.Rectify(ctx, op, []gdpr.Term{old}, changes)
	if err != nil {
		f.t.Fatalf("Rectify repeated: %v", err)
	}
	f.diff("outcome of a repeated Rectify", out, again)
	f.diff("Search by the updated email after a repeat", []gdpr.Subject{want}, f.search(f.term(gdpr.KindEmail, updated, "")))

	// Through an id term, a phone written loosely.
	out, err = f.a.Rectify(ctx, adapter.Op{RequestID: "req-rectify-2", ID: "req-rectify-2/phone"},
		[]gdpr.Term{f.term(gdpr.KindDialerContactID, "dc-100", "cl-renewals")},
		[]adapter.Change{{Kind: gdpr.KindPhone, Existing: "+14155550123", Updated: "+1 415 555 0177"}})
	if err != nil {
		f.t.Fatalf("Rectify a phone: %v", err)
	}
	f.diff("outcome of rectifying a phone", gdpr.Outcome{Updated: 1}, out)
	want = f.subject("alex-2")
	want.PhoneNumbers = []string{"+1 415 555 0177"}
	f.diff("Search by the updated phone", []gdpr.Subject{want}, f.search(f.term(gdpr.KindPhone, "+14155550177", "")))

	// A value nobody holds changes nothing.
	out, err = f.a.Rectify(ctx, adapter.Op{RequestID: "req-rectify-3", ID: "req-rectify-3/none"},
		[]gdpr.Term{f.term(gdpr.KindUserID, "u-sam", "")},
		[]adapter.Change{{Kind: gdpr.KindEmail, Existing: "nobody@example.com", Updated: "somebody@example.com"}})
	if err != nil {
		f.t.Fatalf("Rectify of a value nobody holds: %v", err)
	}
	f.diff("outcome of rectifying a value nobody holds", gdpr.Outcome{}, out)
	f.wantIntact("sam", "kim", "robin", "dana")
}

func testAdapterEraseNamesake(f *adapterFixture) {
	var k adapterKeep
	out, err := f.a.Erase(f.t.Context(), adapter.Op{RequestID: "req-erase", ID: "req-erase/alex-1"},
		[]gdpr.Term{f.term(gdpr.KindEmail, "alex.morgan@example.com", "")},
		k.keep(keepNothing))
	if err != nil {
		f.t.Fatalf("Erase: %v", err)
	}
	f.wantErased("Erase of alex-1", out, 3, 0)
	f.diff("records keep was asked about", f.records("alex-1"), k.count())
	f.wantGone("alex-1")
	f.wantFound(f.term(gdpr.KindName, "Alex Morgan", ""), "alex-2")
	f.wantIntact("alex-2", "sam", "kim", "robin", "dana")
	if recs := f.export(f.term(gdpr.KindName, "Alex Morgan", "")); !cmp.Equal(f.records("alex-2"), adapterCount(recs)) {
		f.t.Errorf("after erasing alex-1, Export by the namesakes' name emits %v, want alex-2's records", adapterCount(recs))
	}
}

// testAdapterEraseUndecided: when the retention policy cannot decide, the
// erasure fails and erases nothing, so that it can be retried.
func testAdapterEraseUndecided(f *adapterFixture) {
	undecided := errors.New("legal-hold register unavailable")
	_, err := f.a.Erase(f.t.Context(), adapter.Op{RequestID: "req-undecided", ID: "req-undecided/alex-1"},
		[]gdpr.Term{f.term(gdpr.KindEmail, "alex.morgan@example.com", "")},
		func(context.Context, adapter.Record) (string, bool, error) { return "", false, undecided })
	if !errors.Is(err, undecided) {
		f.t.Fatalf("Erase with an undecided policy = %v, want the policy's error", err)
	}
	f.wantIntact("alex-1", "alex-2", "sam", "kim", "robin", "dana")
}

func testAdapterEraseRetained(f *adapterFixture) {
	ctx := f.t.Context()
	var k adapterKeep
	keep := k.keep(keepCurrentEmployees)

	out, err := f.a.Erase(ctx, adapter.Op{RequestID: "req-erase-sam", ID: "req-erase-sam/1"}, f.ownTerms("sam"), keep)
	if err != nil {
		f.t.Fatalf("Erase of a current employee: %v", err)
	}
	f.wantErased("Erase of a current employee", out, 1, 1)
	f.diff("retained records", []gdpr.Retention{{Basis: employeeBasis, Records: 1}}, out.Retained)
	f.diff("records keep was asked about", f.records("sam"), k.count())
	f.wantIntact("sam")

	// The employee's record is still exported; the erased chat is gone or
	// holds nothing of what it held.
	recs := f.export(f.ownTerms("sam")...)
	if adapterCount(recs)[adapterRecID{"user", "sam"}] != 1 {
		f.t.Errorf("after erasure, Export of the retained employee emits %v, want the user record once", adapterCount(recs))
	}
	for _, r := range recs {
		if r.ID != "chat-sam" {
			continue
		}
		for name, v := range f.linked("sam")[0].Fields {
			if r.Fields[name] == v {
				f.t.Errorf("the erased chat-sam still holds its %q", name)
			}
		}
	}

	// A former employee is not retained.
	out, err = f.a.Erase(ctx, adapter.Op{RequestID: "req-erase-kim", ID: "req-erase-kim/1"},
		[]gdpr.Term{f.term(gdpr.KindUserID, "u-kim", "")}, keep)
	if err != nil {
		f.t.Fatalf("Erase of a former employee: %v", err)
	}
	f.wantErased("Erase of a former employee", out, 1, 0)
	f.wantGone("kim")
	f.wantIntact("alex-1", "alex-2", "robin", "dana")
}

func testAdapterEraseRepeat(f *adapterFixture) {
	ctx := f.t.Context()
	op := adapter.Op{RequestID: "req-erase", ID: "req-erase/alex-2"}
	terms := []gdpr.Term{f.term(gdpr.KindPhone, "+14155550123", "")}

	out, err := f.a.Erase(ctx, op, terms, keepNothing)
	if err != nil {
		f.t.Fatalf("Erase: %v", err)
	}
	f.wantErased("Erase of alex-2", out, 2, 0)
	again, err := f.a.Erase(ctx, op, terms, keepNothing)
	if err != nil {
		f.t.Fatalf("Erase repeated with the same Op.ID: %v", err)
	}
	f.diff("outcome of a repeated Erase", out, again)

	// Another operation on the erased terms finds nothing to do.
	out, err = f.a.Erase(ctx, adapter.Op{RequestID: "req-erase-2", ID: "req-erase-2/alex-2"}, terms, keepNothing)
	if err != nil {
		f.t.Fatalf("Erase of erased data: %v", err)
	}
	f.wantErased("Erase of erased data", out, 0, 0)
	f.wantGone("alex-2")
	f.wantIntact("alex-1", "sam", "kim", "robin", "dana")
}

func testAdapterCancelled(f *adapterFixture) {
	ctx, cancel := context.WithCancel(f.t.Context())
	cancel()
	email := f.term(gdpr.KindEmail, "alex.morgan@example.com", "")
	calls := []struct {
		name string
		call func() error
	}{
		{"Search", func() error { _, err := f.a.Search(ctx, email); return err }},
		{"Resolve", func() error {
			_, err := f.a.Resolve(ctx, f.term(gdpr.KindUserID, "u-sam", ""))
			return err
		}},
		{"Export", func() error {
			return f.a.Export(ctx, adapter.Op{RequestID: "req-c", ID: "req-c/export"}, []gdpr.Term{email},
				func(adapter.Record) error { return nil })
		}},
		{"Rectify", func() error {
			_, err := f.a.Rectify(ctx, adapter.Op{RequestID: "req-c", ID: "req-c/rectify"}, []gdpr.Term{email},
				[]adapter.Change{{Kind: gdpr.KindEmail, Existing: email.Value, Updated: "new@example.com"}})
			return err
		}},
		{"Erase", func() error {
			_, err := f.a.Erase(ctx, adapter.Op{RequestID: "req-c", ID: "req-c/erase"}, f.terms("sam"),
				keepNothing)
			return err
		}},
	}
	for _, c := range calls {
		if err := c.call(); !errors.Is(err, context.Canceled) {
			f.t.Errorf("%s with a cancelled context: error %v, want one matching context.Canceled", c.name, err)
		}
	}
	for _, p := range f.fx.People {
		f.wantIntact(p.Key)
	}
}

func testAdapterConcurrent(f *adapterFixture) {
	ctx := f.t.Context()
	var keys []string
	for _, p := range f.fx.People {
		keys = append(keys, p.Key)
	}
	terms := make(map[string][]gdpr.Term)
	for _, k := range keys {
		terms[k] = f.ownTerms(k)
	}
	rectified := "+61 2 5550 9999"
	danaPhone := f.term(gdpr.KindPhone, "+61 2 5550 1234", "")

	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 20 {
				for _, k := range keys {
					for _, t := range terms[k] {
						if _, err := f.a.Search(ctx, t); err != nil {
							f.t.Errorf("concurrent Search: %v", err)
							return
						}
						if t.Kind.IsID() {
							if _, err := f.a.Resolve(ctx, t); err != nil && !errors.Is(err, gdpr.ErrNotFound) {
								f.t.Errorf("concurrent Resolve: %v", err)
								return
							}
						}
					}
					err := f.a.Export(ctx, adapter.Op{RequestID: "req-x", ID: fmt.Sprintf("x/%d/%d", g, i)}, terms[k],
						func(adapter.Record) error { return nil })
					if err != nil {
						f.t.Errorf("concurrent Export: %v", err)
						return
					}
				}
			}
		})
	}
	for _, k := range []string{"alex-1", "robin", "kim"} {
		for g := range 3 {
			wg.Go(func() {
				// Two erasers repeat one operation; the third is another.
				op := adapter.Op{RequestID: "req-erase-" + k, ID: fmt.Sprintf("erase-%s/%d", k, g/2)}
				if _, err := f.a.Erase(ctx, op, terms[k], keepNothing); err != nil {
					f.t.Errorf("concurrent Erase of %s: %v", k, err)
				}
			})
		}
	}
	wg.Go(func() {
		_, err := f.a.Rectify(ctx, adapter.Op{RequestID: "req-rectify-dana", ID: "rectify-dana/1"},
			[]gdpr.Term{danaPhone},
			[]adapter.Change{{Kind: gdpr.KindPhone, Existing: danaPhone.Value, Updated: rectified}})
		if err != nil {
			f.t.Errorf("concurrent Rectify: %v", err)
		}
	})
	wg.Wait()

	f.wantGone("alex-1", "robin", "kim")
	f.wantIntact("alex-2", "sam")
	want := f.subject("dana")
	want.PhoneNumbers = []string{rectified}
	f.diff("Search by dana's rectified phone", []gdpr.Subject{want}, f.search(f.term(gdpr.KindPhone, rectified, "")))
}
