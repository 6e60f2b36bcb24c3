package sqladapter

// UnreachableTable is a table of a Map whose rows no search term reaches:
// no request will ever touch them.
type UnreachableTable struct {
	Table  string `json:"table"`
	Reason string `json:"reason"`
}

// Unreachable lists, in map order, the tables of m that are not subject
// tables and have no reference path to one, each with the reason. It
// never returns nil, and reads m without checking it: a reference cycle
// or a reference to a table m does not list reaches nothing.
func (m *Map) Unreachable() []UnreachableTable {
	byName := make(map[string]*Table, len(m.Tables))
	for i := range m.Tables {
		byName[m.Tables[i].Name] = &m.Tables[i]
	}
	memo := map[string]bool{}
	var reach func(t *Table) bool
	reach = func(t *Table) bool {
		if v, ok := memo[t.Name]; ok {
			return v
		}
		memo[t.Name] = false // a cycle back here reaches nothing new
		ok := t.Subject
		for _, r := range t.References {
			if p := byName[r.Table]; p != nil {
				ok = reach(p) || ok
			}
		}
		memo[t.Name] = ok
		return ok
	}
	out := []UnreachableTable{}
	for i := range m.Tables {
		if t := &m.Tables[i]; !reach(t) {
			out = append(out, UnreachableTable{Table: t.Name, Reason: unreachableReason(t)})
		}
	}
	return out
}

// unreachableReason says why no search term reaches a table's rows.
func unreachableReason(t *Table) string {
	terms := false
	for _, c := range t.Columns {
		terms = terms || c.Term != ""
	}
	switch {
	case terms:
		return "unreachable: it has term columns but is not a subject table, and no reference leads to a subject table"
	case len(t.References) > 0:
		return "unreachable: its references lead to no subject table"
	}
	return "unreachable: no term column and no reference to a subject table; no request can find its rows"
}
