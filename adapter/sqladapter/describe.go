package sqladapter

import (
	"context"
	"slices"
	"strings"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

var _ adapter.Describer = (*Adapter)(nil)

// Describe reports what the adapter holds, from the data map as Open
// checked it against the live schema: one record kind per mapped table
// (source: the table), with the term kinds its term columns hold (subject
// tables only: other tables are not matched by terms), the fields an
// export carries (every live column not excluded, by field name), the
// tables it references, and whether erasure deletes or anonymizes its
// rows. A table whose rows have no term column and no reference path to a
// subject table is marked not Reachable: no request can ever touch it. A
// table whose kind comes from a column is listed under the kind
// "(column NAME)". Describe runs no query and reads no data.
func (a *Adapter) Describe(ctx context.Context) (adapter.Description, error) {
	if err := ctx.Err(); err != nil {
		return adapter.Description{}, err
	}
	store := string(a.d)
	if s := a.schemaName(); s != "" {
		store += " schema " + s
	}
	inv := adapter.Description{Store: store, Terms: []gdpr.Kind{}}
	reach := reachable(a.tables)
	for _, t := range a.tables {
		rk := adapter.RecordKind{
			Kind:      t.m.Kind,
			Source:    t.m.Name,
			Subject:   t.m.Subject,
			Erase:     adapter.EraseDeletes,
			Reachable: reach[t],
			Fields:    []string{},
		}
		if t.m.Kind == "" {
			rk.Kind = "(column " + t.m.KindColumn + ")"
		}
		if t.m.Erase == EraseAnonymize {
			rk.Erase = adapter.EraseAnonymizes
		}
		if t.m.Subject {
			for _, tc := range t.terms {
				rk.Terms = append(rk.Terms, tc.kind)
			}
			rk.Terms = adapter.SortKinds(rk.Terms)
			inv.Terms = append(inv.Terms, rk.Terms...)
		}
		for _, f := range t.fields {
			if f != "" {
				rk.Fields = append(rk.Fields, f)
			}
		}
		for _, r := range t.refs {
			if !slices.Contains(rk.LinkedTo, r.parent.m.Name) {
				rk.LinkedTo = append(rk.LinkedTo, r.parent.m.Name)
			}
		}
		if !rk.Reachable {
			rk.Note = unreachableReason(t.m)
		}
		inv.Records = append(inv.Records, rk)
	}
	inv.Terms = adapter.SortKinds(inv.Terms)
	return inv, nil
}

// schemaName is the schema the adapter's tables are qualified by, or "".
func (a *Adapter) schemaName() string {
	if len(a.tables) == 0 {
		return ""
	}
	t := a.tables[0]
	q, ok := strings.CutSuffix(t.qname, "."+a.d.ident(t.m.Name))
	if !ok || len(q) < 2 {
		return ""
	}
	quote := q[:1]
	return strings.ReplaceAll(q[1:len(q)-1], quote+quote, quote)
}

// reachable reports, for tables ordered parents first, which are reached
// by a term: subject tables, and tables referencing a reachable one.
func reachable(tables []*table) map[*table]bool {
	reach := make(map[*table]bool, len(tables))
	for _, t := range tables {
		ok := t.m.Subject
		for _, r := range t.refs {
			ok = ok || reach[r.parent]
		}
		reach[t] = ok
	}
	return reach
}
