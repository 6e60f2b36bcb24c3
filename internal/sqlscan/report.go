package sqlscan

import (
	"github.com/gdprkit/gdpr/adapter/sqladapter"
)

// Report is what Scan found in one database. It holds masked
// examples only, never a whole value.
type Report struct {
	// Adapter is the adapter's name in the configuration, or "".
	Adapter string             `json:"adapter,omitempty"`
	Dialect sqladapter.Dialect `json:"dialect"`
	Schema  string             `json:"schema,omitempty"`
	// Rows is the most rows sampled per column.
	Rows int `json:"rows"`
	// Tables and Columns count what was sampled.
	Tables  int `json:"tables"`
	Columns int `json:"columns"`
	// Findings lists the sampled columns where something was found, by
	// table and column.
	Findings []ColumnFinding `json:"findings"`
	// Suggestions are data-map entries for the tables of Findings.
	Suggestions []TableSuggestion `json:"suggestions"`
	// Unreachable lists mapped tables no search term can reach.
	Unreachable []sqladapter.UnreachableTable `json:"unreachable"`
	// Missing lists mapped tables that the database does not have.
	Missing []string `json:"missing,omitempty"`
	// Skipped lists the tables a scan for one organization did not
	// sample: the map does not list them, so whose rows they hold is
	// unknown.
	Skipped []string `json:"skipped,omitempty"`
	// Names is the number of known subjects' names looked for.
	Names int `json:"names,omitempty"`
}

// ColumnFinding is what was found in one column the map does not cover.
type ColumnFinding struct {
	Table  string `json:"table"`
	Column string `json:"column"`
	// Mapped is true when the table is in the map (the column is not).
	Mapped bool `json:"mapped"`
	// Sampled is the number of non-NULL values read.
	Sampled int     `json:"sampled"`
	Matches []Match `json:"matches"`
}

// Match is one kind of personal data found in a column's sample.
type Match struct {
	// Kind is FoundEmail, FoundPhone, FoundIBAN, FoundCard or FoundName.
	Kind string `json:"kind"`
	// Values counts the sampled values holding this kind.
	Values int `json:"values"`
	// Whole counts the values that are nothing but one such item (a
	// column of emails rather than free text mentioning one).
	Whole int `json:"whole"`
	// Example is one match with its middle masked.
	Example string `json:"example"`
}

// TableSuggestion is a suggested data-map entry (YAML) for a table.
type TableSuggestion struct {
	Table  string `json:"table"`
	Mapped bool   `json:"mapped"`
	// YAML is a table entry for an unmapped table, or column entries to
	// add to a mapped one, with comments to check by hand.
	YAML string `json:"yaml"`
}
