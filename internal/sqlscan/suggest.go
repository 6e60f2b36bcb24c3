package sqlscan

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gdprkit/gdpr/adapter/sqladapter"
	"github.com/gdprkit/gdpr/internal/sqlschema"
)

// suggest writes a data-map entry for the findings of one table.
func suggest(name string, mt *sqladapter.Table, cols []sqlschema.Column, found []ColumnFinding) TableSuggestion {
	var b strings.Builder
	indent := "    "
	anonymizes := mt != nil && mt.Erase == sqladapter.EraseAnonymize
	if mt == nil {
		key := cols[0].Name
		for _, c := range cols {
			if strings.EqualFold(c.Name, "id") {
				key = c.Name
			}
		}
		fmt.Fprintf(&b, "- name: %s\n", yamlScalar(name))
		fmt.Fprintf(&b, "  key: %s  # check: the column that identifies a row\n", yamlScalar(key))
		b.WriteString("  kind: TODO  # what a row is, e.g. supportTicket\n")
		b.WriteString("  references: [{column: TODO, table: TODO}]  # link each row to its data subject's table, or make it subject: true\n")
		b.WriteString("  columns:\n")
	} else {
		fmt.Fprintf(&b, "# add to the columns of table %s:\n", name)
		indent = ""
	}
	for _, f := range found {
		b.WriteString(indent)
		b.WriteString(columnEntry(f, mt, anonymizes))
		b.WriteString("\n")
	}
	return TableSuggestion{Table: name, Mapped: mt != nil, YAML: b.String()}
}

// columnEntry suggests the map entry of one column: a term column when
// most sampled matches are whole values of a searchable kind, else an
// anonymized free-text column.
func columnEntry(f ColumnFinding, mt *sqladapter.Table, anonymizes bool) string {
	var kinds []string
	var term, strategy string
	for _, m := range f.Matches {
		kinds = append(kinds, m.Kind)
		searchable := m.Kind == FoundEmail || m.Kind == FoundPhone || m.Kind == FoundName
		if term == "" && searchable && m.Whole*5 >= m.Values*4 && m.Values*2 >= f.Sampled {
			term = m.Kind
		}
	}
	col := yamlScalar(f.Column)
	if term != "" {
		switch term {
		case FoundEmail:
			strategy = sqladapter.AnonymizeFakeEmail
		case FoundPhone:
			strategy = sqladapter.AnonymizeFakePhone
		default:
			strategy = sqladapter.AnonymizeRedact
		}
		entry := fmt.Sprintf("- {name: %s, term: %s", col, term)
		if mt == nil || anonymizes {
			entry += ", anonymize: " + strategy
		}
		entry += "}"
		if mt != nil && !mt.Subject {
			entry += "  # terms are searched on subject tables only"
		}
		return entry
	}
	note := "free text holding " + strings.Join(kinds, ", ") + ": no term can find it"
	if mt != nil && !anonymizes {
		return fmt.Sprintf("- {name: %s}  # %s; it is exported, and deleted with its row", col, note)
	}
	return fmt.Sprintf("- {name: %s, anonymize: redact}  # %s", col, note)
}

// yamlScalar quotes a name for YAML when it needs it.
func yamlScalar(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '_' || r == '-' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return strconv.Quote(s)
}
