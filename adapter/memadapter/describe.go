package memadapter

import (
	"context"
	"maps"
	"slices"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

var _ adapter.Describer = (*Adapter)(nil)

// Describe reports what the adapter holds, from the data loaded: one
// record kind per kind of person (source "people", found by terms) with
// the term kinds its people carry, and one per kind of linked record
// (source "records", reached through the people it is linked to), each
// with the union of the field names its records have, and whether Erase
// deletes or anonymizes. Terms lists every term kind some person
// carries. Anonymized people are not counted. It reads no values into the
// result and never fails unless ctx has ended.
func (a *Adapter) Describe(ctx context.Context) (adapter.Description, error) {
	if err := ctx.Err(); err != nil {
		return adapter.Description{}, err
	}
	erase := adapter.EraseDeletes
	if a.anonymize {
		erase = adapter.EraseAnonymizes
	}
	type acc struct {
		terms    map[gdpr.Kind]bool
		fields   map[string]bool
		linkedTo map[string]bool
	}
	newAcc := func() *acc {
		return &acc{terms: map[gdpr.Kind]bool{}, fields: map[string]bool{}, linkedTo: map[string]bool{}}
	}
	people, records := map[string]*acc{}, map[string]*acc{}
	allTerms := map[gdpr.Kind]bool{}

	a.mu.RLock()
	for _, e := range a.people {
		if e.anonymized {
			continue
		}
		pa := people[e.p.Kind]
		if pa == nil {
			pa = newAcc()
			people[e.p.Kind] = pa
		}
		for _, t := range e.terms {
			pa.terms[t.kind] = true
			allTerms[t.kind] = true
		}
		for f := range e.record().Fields {
			pa.fields[f] = true
		}
		for _, l := range e.links {
			if l.redacted {
				continue
			}
			ra := records[l.rec.Kind]
			if ra == nil {
				ra = newAcc()
				records[l.rec.Kind] = ra
			}
			ra.linkedTo["people ("+e.p.Kind+")"] = true
			for f := range l.rec.Fields {
				ra.fields[f] = true
			}
			ra.fields["person"] = true
		}
	}
	a.mu.RUnlock()

	inv := adapter.Description{
		Store: "memory",
		Terms: adapter.SortKinds(slices.Collect(maps.Keys(allTerms))),
	}
	for _, kind := range slices.Sorted(maps.Keys(people)) {
		pa := people[kind]
		inv.Records = append(inv.Records, adapter.RecordKind{
			Kind: kind, Source: "people", Subject: true, Reachable: true, Erase: erase,
			Terms:  adapter.SortKinds(slices.Collect(maps.Keys(pa.terms))),
			Fields: slices.Sorted(maps.Keys(pa.fields)),
		})
	}
	for _, kind := range slices.Sorted(maps.Keys(records)) {
		ra := records[kind]
		inv.Records = append(inv.Records, adapter.RecordKind{
			Kind: kind, Source: "records", Reachable: true, Erase: erase,
			Fields:   slices.Sorted(maps.Keys(ra.fields)),
			LinkedTo: slices.Sorted(maps.Keys(ra.linkedTo)),
		})
	}
	if inv.Terms == nil {
		inv.Terms = []gdpr.Kind{}
	}
	return inv, nil
}
