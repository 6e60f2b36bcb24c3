package adaptertest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

// TestRemoteAdapter runs the conformance suite of an adapter over a
// remote GDPR API (such as apiadapter): the contracts of TestAdapter, as
// far as such an API lets an adapter keep them, on the data set of a
// [Fixture] that newAdapter loads into the remote service.
//
// A GDPR API differs from a data store in what it tells, and the suite
// asks no more of the adapter than that:
//
//   - The subjects search takes the search kinds (gdpr.SearchKinds) only:
//     an id term matches nothing. Resolve answers only the ids of subjects
//     the adapter's own searches returned (a request by id follows a
//     search, in the hosted procedure), and not once they are erased;
//     any other id is an error matching gdpr.ErrNotFound.
//   - Erase asks keep about each remote subject, as a Record of the
//     person's Kind whose ID is the subject's remote id and whose Fields
//     hold the subject's terms by their wire field names (such as
//     "userId"); a retention policy decides from those. The remote erases
//     a subject's linked records itself and decides between deleting and
//     anonymizing: the Outcome counts the subjects it erased as Erased,
//     and none as Deleted or Anonymized.
//   - Rectify counts the remote subjects updated.
//   - Export gives the records the remote exports, each once: the
//     fixture's mapping of TestAdapter.
//
// Everything else holds as in TestAdapter: normalized search, namesakes
// told apart, copies, repeats of an Op returning the first Outcome, an
// undecided policy erasing nothing, cancelled contexts and concurrent use.
func TestRemoteAdapter(t *testing.T, newAdapter func(t *testing.T, fx Fixture) adapter.Adapter) {
	suites := []struct {
		name string
		run  func(*adapterFixture)
	}{
		{"Name", testAdapterName},
		{"Search", testRemoteSearch},
		{"SearchNormalized", testAdapterSearchNormalized},
		{"SearchNoMatch", testAdapterSearchNoMatch},
		{"Namesakes", testAdapterNamesakes},
		{"SearchCopies", testRemoteSearchCopies},
		{"Resolve", testRemoteResolve},
		{"Export", testRemoteExport},
		{"ExportEmitError", testAdapterExportEmitError},
		{"Rectify", testRemoteRectify},
		{"EraseNamesake", testRemoteEraseNamesake},
		{"EraseRetained", testRemoteEraseRetained},
		{"EraseRepeat", testRemoteEraseRepeat},
		{"EraseUndecided", testAdapterEraseUndecided},
		{"CancelledContext", testAdapterCancelled},
		{"Concurrent", testAdapterConcurrent},
	}
	for _, s := range suites {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			s.run(&adapterFixture{t: t, fx: NewFixture(), a: newAdapter(t, NewFixture()), remote: true})
		})
	}
}

// searchKinds are the kinds a remote searches.
func (f *adapterFixture) searchTerms(key string) []gdpr.Term {
	return slices.DeleteFunc(f.terms(key), func(t gdpr.Term) bool { return t.Kind.IsID() })
}

func testRemoteSearch(f *adapterFixture) {
	for _, c := range []struct {
		name string
		kind gdpr.Kind
		val  string
		want string
	}{
		{"NAME", gdpr.KindName, "Sam Rivera", "sam"},
		{"ADDRESS", gdpr.KindAddress, "1 High Street, London N1 9GU", "alex-1"},
		{"PHONE", gdpr.KindPhone, "+14155550123", "alex-2"},
		{"EMAIL", gdpr.KindEmail, "sam.rivera@example.com", "sam"},
		{"EMAIL/internationalized domain", gdpr.KindEmail, "robin@bücher.example", "robin"},
		{"INSTAGRAM", gdpr.KindInstagram, "alex.morgan.sf", "alex-2"},
		{"EXTERNAL_ID", gdpr.KindExternalID, "CUST-1002", "robin"},
	} {
		f.t.Run(c.name, func(t *testing.T) {
			g := *f
			g.t = t
			g.wantFound(g.term(c.kind, c.val, ""), c.want)
		})
	}
	// An id term matches nothing: the subjects search takes none.
	for _, p := range f.fx.People {
		for _, t := range f.terms(p.Key) {
			if t.Kind.IsID() {
				if got := f.search(t); len(got) > 0 {
					f.t.Errorf("Search by %s found %d subjects; a remote's subjects search takes no ids", t, len(got))
				}
			}
		}
		f.wantIntact(p.Key)
	}
}

func testRemoteSearchCopies(f *adapterFixture) {
	term := f.term(gdpr.KindEmail, "sam.rivera@example.com", "")
	got := f.search(term)
	for i := range got {
		got[i].Name = "changed"
		got[i].EmailAddresses[0] = "changed@example.com"
	}
	f.wantFound(term, "sam")
}

func testRemoteResolve(f *adapterFixture) {
	// Ids no search returned are not found.
	for _, p := range f.fx.People {
		for _, t := range f.terms(p.Key) {
			if !t.Kind.IsID() {
				continue
			}
			if _, err := f.a.Resolve(f.t.Context(), t); !errors.Is(err, gdpr.ErrNotFound) {
				f.t.Errorf("Resolve %s: error %v, want one matching gdpr.ErrNotFound", t, err)
			}
		}
	}
	// The ids of a subject a search returned are resolved to it.
	f.wantFound(f.term(gdpr.KindEmail, "sam.rivera@example.com", ""), "sam")
	for _, t := range []gdpr.Term{f.term(gdpr.KindUserID, "u-sam", ""), f.term(gdpr.KindExternalContactID, "u-sam", "")} {
		got, err := f.a.Resolve(f.t.Context(), t)
		switch {
		case t.Kind == gdpr.KindUserID && err != nil:
			f.t.Errorf("Resolve %s after a search found it: %v", t, err)
		case t.Kind == gdpr.KindUserID:
			f.diff("Resolve of sam's user id after a search", f.subject("sam"), got)
		case !errors.Is(err, gdpr.ErrNotFound):
			f.t.Errorf("Resolve %s (a user id given as another kind): error %v, want one matching gdpr.ErrNotFound", t, err)
		}
	}
}

func testRemoteExport(f *adapterFixture) {
	recs := f.export(f.terms("alex-1")...)
	f.diff("records exported for alex-1 by all of its terms", f.records("alex-1", "alex-2"), adapterCount(recs))
	recs = f.export(f.ownTerms("alex-1")...)
	f.diff("records exported for alex-1 by its own terms", f.records("alex-1"), adapterCount(recs))
	recs = f.export(f.term(gdpr.KindName, "Alex Morgan", ""))
	f.diff("records exported by the namesakes' name", f.records("alex-1", "alex-2"), adapterCount(recs))
	recs = f.export(f.searchTerms("sam")...)
	for _, r := range recs {
		if r.ID == "sam" && (r.Kind != KindUser || r.Fields["employment"] != EmploymentCurrent) {
			f.t.Errorf("sam's record is kind %q with employment %v, want kind %q and employment %q", r.Kind, r.Fields["employment"], KindUser, EmploymentCurrent)
		}
	}
	if recs := f.export(f.term(gdpr.KindEmail, "nobody@example.com", "")); len(recs) > 0 {
		f.t.Errorf("Export by an unknown email emitted %v", adapterCount(recs))
	}
	for _, p := range f.fx.People {
		f.wantIntact(p.Key)
	}
}

func testRemoteRectify(f *adapterFixture) {
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
	again, err := f.a.Rectify(ctx, op, []gdpr.Term{old}, changes)
	if err != nil {
		f.t.Fatalf("Rectify repeated: %v", err)
	}
	f.diff("outcome of a repeated Rectify", out, again)
	f.wantIntact("alex-2", "sam", "kim", "robin", "dana")
}

// wantRemoteErased checks the counts of an erasure through a remote.
func (f *adapterFixture) wantRemoteErased(what string, out gdpr.Outcome, erased, retained int) {
	f.t.Helper()
	if out.Erased != erased || out.Deleted+out.Anonymized != 0 {
		f.t.Errorf("%s: outcome %+v, want %d subjects erased by the remote and none counted as deleted or anonymized", what, out, erased)
	}
	if n := out.RetainedCount(); n != retained {
		f.t.Errorf("%s: %d records retained, want %d (%+v)", what, n, retained, out.Retained)
	}
}

func testRemoteEraseNamesake(f *adapterFixture) {
	var k adapterKeep
	out, err := f.a.Erase(f.t.Context(), adapter.Op{RequestID: "req-erase", ID: "req-erase/alex-1"},
		[]gdpr.Term{f.term(gdpr.KindEmail, "alex.morgan@example.com", "")}, k.keep(keepNothing))
	if err != nil {
		f.t.Fatalf("Erase: %v", err)
	}
	f.wantRemoteErased("Erase of alex-1", out, 1, 0)
	p := f.person("alex-1")
	f.diff("records keep was asked about", map[adapterRecID]int{{p.Kind, p.ExternalContactID}: 1}, k.count())
	f.wantGone("alex-1")
	f.wantFound(f.term(gdpr.KindName, "Alex Morgan", ""), "alex-2")
	f.wantIntact("alex-2", "sam", "kim", "robin", "dana")
}

// keepUsers keeps the remote subjects whose userId is one of ids.
func keepUsers(ids ...string) adapter.KeepFunc {
	return func(_ context.Context, rec adapter.Record) (string, bool, error) {
		if rec.Kind == KindUser && slices.Contains(ids, fmt.Sprint(rec.Fields["userId"])) {
			return employeeBasis, true, nil
		}
		return "", false, nil
	}
}

func testRemoteEraseRetained(f *adapterFixture) {
	ctx := f.t.Context()
	var current []string
	for _, p := range f.fx.People {
		if p.Employment == EmploymentCurrent {
			current = append(current, p.UserID)
		}
	}
	keep := keepUsers(current...)
	out, err := f.a.Erase(ctx, adapter.Op{RequestID: "req-erase-sam", ID: "req-erase-sam/1"}, f.ownTerms("sam"), keep)
	if err != nil {
		f.t.Fatalf("Erase of a current employee: %v", err)
	}
	f.wantRemoteErased("Erase of a current employee", out, 0, 1)
	f.diff("retained records", []gdpr.Retention{{Basis: employeeBasis, Records: 1}}, out.Retained)
	f.wantIntact("sam")

	out, err = f.a.Erase(ctx, adapter.Op{RequestID: "req-erase-kim", ID: "req-erase-kim/1"}, f.ownTerms("kim"), keep)
	if err != nil {
		f.t.Fatalf("Erase of a former employee: %v", err)
	}
	f.wantRemoteErased("Erase of a former employee", out, 1, 0)
	f.wantGone("kim")
	f.wantIntact("alex-1", "alex-2", "robin", "dana")
}

func testRemoteEraseRepeat(f *adapterFixture) {
	ctx := f.t.Context()
	op := adapter.Op{RequestID: "req-erase", ID: "req-erase/alex-2"}
	terms := []gdpr.Term{f.term(gdpr.KindPhone, "+14155550123", "")}
	out, err := f.a.Erase(ctx, op, terms, keepNothing)
	if err != nil {
		f.t.Fatalf("Erase: %v", err)
	}
	f.wantRemoteErased("Erase of alex-2", out, 1, 0)
	again, err := f.a.Erase(ctx, op, terms, keepNothing)
	if err != nil {
		f.t.Fatalf("Erase repeated with the same Op.ID: %v", err)
	}
	f.diff("outcome of a repeated Erase", out, again)
	out, err = f.a.Erase(ctx, adapter.Op{RequestID: "req-erase-2", ID: "req-erase-2/alex-2"}, terms, keepNothing)
	if err != nil {
		f.t.Fatalf("Erase of erased data: %v", err)
	}
	f.wantRemoteErased("Erase of erased data", out, 0, 0)
	f.wantGone("alex-2")
	f.wantIntact("alex-1", "sam", "kim", "robin", "dana")
}
