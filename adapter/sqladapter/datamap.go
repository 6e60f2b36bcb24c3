package sqladapter

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/internal/normalize"
)

// Map describes the tables an Adapter works on: which columns hold which
// terms, which tables are subjects, how tables reference each other and how
// each is erased. Its form is described in the package documentation. A
// Map is plain data: build one in Go, read its JSON with ParseMap, or
// decode YAML into it (the yaml tags give the field names); Open checks
// it against the live schema.
type Map struct {
	// Schema qualifies every table: a PostgreSQL schema, a MySQL database
	// or an attached SQLite database. "" is the connection's current one.
	Schema string `yaml:"schema,omitempty" json:"schema,omitempty"`
	// Region is the ISO 3166 region national phone numbers in the data are
	// read in; "" reads E.164 only.
	Region string `yaml:"region,omitempty" json:"region,omitempty"`
	// HashKeyEnv names the environment variable holding the key of the
	// "hash" strategy (and of the fake emails and phones). Required when a
	// column uses "hash".
	HashKeyEnv string `yaml:"hashKeyEnv,omitempty" json:"hashKeyEnv,omitempty"`
	// Operations names the table that remembers operation ids; default
	// "gdpr_operations".
	Operations string `yaml:"operations,omitempty" json:"operations,omitempty"`
	// Tenants maps each organization (gdpr.OrganizationFromContext) to
	// the value its rows hold in the tables' tenant columns, for data
	// that names its tenants otherwise than by organization id (a numeric
	// customer id, say). An organization it does not list holds nothing
	// here. Without it, the tenant columns hold organization ids. Needs
	// tenant columns.
	Tenants map[string]string `yaml:"tenants,omitempty" json:"tenants,omitempty"`
	// Tables lists the tables, in any order.
	Tables []Table `yaml:"tables" json:"tables"`
}

// Erase modes of a Table.
const (
	EraseDelete    = "delete"
	EraseAnonymize = "anonymize"
)

// Table is one table of a Map.
type Table struct {
	// Name is the table's name as the database spells it.
	Name string `yaml:"name" json:"name"`
	// Key is the column that identifies a row; its value is Record.ID.
	Key string `yaml:"key" json:"key"`
	// Kind is the Record.Kind of every row, e.g. "chatTranscript".
	// Exactly one of Kind and KindColumn is required.
	Kind string `yaml:"kind,omitempty" json:"kind,omitempty"`
	// KindColumn names a column whose value is the row's Record.Kind.
	KindColumn string `yaml:"kindColumn,omitempty" json:"kindColumn,omitempty"`
	// Subject makes the table's rows data subjects: terms find them, and
	// Search returns them as gdpr.Subject. Other tables are reached only
	// through References.
	Subject bool `yaml:"subject,omitempty" json:"subject,omitempty"`
	// Erase is EraseDelete (default) or EraseAnonymize.
	Erase string `yaml:"erase,omitempty" json:"erase,omitempty"`
	// AnonymizedColumn is a nullable column that anonymization sets (to
	// true, 1, the time or "anonymized", by its type); rows where it is not
	// NULL are skipped by every operation. Required with EraseAnonymize.
	AnonymizedColumn string `yaml:"anonymizedColumn,omitempty" json:"anonymizedColumn,omitempty"`
	// Columns describes the columns that hold terms or are anonymized.
	// Every other column is exported as it is and kept on anonymization.
	Columns []Column `yaml:"columns,omitempty" json:"columns,omitempty"`
	// References link this table's rows to rows of other tables: a row is
	// exported, rectified and erased with the row it references.
	References []Reference `yaml:"references,omitempty" json:"references,omitempty"`
	// Exclude names columns that Export leaves out (password hashes, say).
	Exclude []string `yaml:"exclude,omitempty" json:"exclude,omitempty"`
	// Tenant names the column holding the organization (or, with
	// Map.Tenants, the tenant value) that owns each row. When one table
	// names a tenant column every table must: the adapter is then
	// tenant-scoped, and every statement it runs is filtered by the
	// organization on the call's context.
	Tenant string `yaml:"tenant,omitempty" json:"tenant,omitempty"`
}

// Anonymization strategies of a Column.
const (
	AnonymizeNull      = "null"
	AnonymizeFixed     = "fixed"
	AnonymizeRedact    = "redact"
	AnonymizeHash      = "hash"
	AnonymizeFakeEmail = "fakeEmail"
	AnonymizeFakePhone = "fakePhone"
	AnonymizeKeep      = "keep"
)

// Redacted is what the "redact" strategy writes.
const Redacted = "[redacted]"

// Column is one described column of a Table.
type Column struct {
	// Name is the column's name.
	Name string `yaml:"name" json:"name"`
	// Term is the kind of term the column holds (NAME, EMAIL, PHONE,
	// ADDRESS, TWITTER, INSTAGRAM, FACEBOOK, APPLE_MESSAGES, EXTERNAL_ID,
	// USER_ID, EXTERNAL_CONTACT_ID, DIALER_CONTACT_ID, JOURNEY_CUSTOMER),
	// or "" for a column that only gets anonymized.
	Term gdpr.Kind `yaml:"term,omitempty" json:"term,omitempty"`
	// Scope names the column holding the scope of a DIALER_CONTACT_ID
	// (the contact list id) or a JOURNEY_CUSTOMER (its type); required for
	// those, refused for others.
	Scope string `yaml:"scope,omitempty" json:"scope,omitempty"`
	// Normalized names a column that holds this column's value in
	// adapter.Normalizer form, so that search is one indexed equality.
	// It may name the column itself when the data is stored normalized.
	// A generated column is left to the database; any other is written by
	// Rectify and Erase. Without it, search scans the column.
	Normalized string `yaml:"normalized,omitempty" json:"normalized,omitempty"`
	// Anonymize is the strategy EraseAnonymize applies: "null", "fixed"
	// (Value), "redact", "hash", "fakeEmail", "fakePhone" or "keep".
	// Default: "null" for term columns, "keep" for others.
	Anonymize string `yaml:"anonymize,omitempty" json:"anonymize,omitempty"`
	// Value is what the "fixed" strategy writes.
	Value string `yaml:"value,omitempty" json:"value,omitempty"`
	// Field is the name of the column in exported records; default Name.
	Field string `yaml:"field,omitempty" json:"field,omitempty"`
}

// Reference says that Column of this table holds a value of column To
// (default: the key) of Table.
type Reference struct {
	Column string `yaml:"column" json:"column"`
	Table  string `yaml:"table" json:"table"`
	To     string `yaml:"to,omitempty" json:"to,omitempty"`
}

// MapError is a defect of a Map, found by ParseMap, Check or Open. It names the
// table and column at fault, never a value from the data.
type MapError struct {
	Table  string // "" for the map as a whole
	Column string // "" for the table as a whole
	Reason string
	Err    error
}

func (e *MapError) Error() string {
	s := "sqladapter: map"
	if e.Table != "" {
		s += ": table " + strconv.Quote(e.Table)
	}
	if e.Column != "" {
		s += " column " + strconv.Quote(e.Column)
	}
	s += ": " + e.Reason
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying error, if any.
func (e *MapError) Unwrap() error { return e.Err }

// ParseMap reads a Map written in JSON, refusing unknown fields and
// trailing data, and checks it on its own (Open checks it against the
// database). Maps written in YAML are read by the program that links a
// YAML library (gdpr serve does) into the same structs, then checked
// with Check.
func ParseMap(r io.Reader) (*Map, error) {
	dec := json.NewDecoder(io.LimitReader(r, 16<<20))
	dec.DisallowUnknownFields()
	var m Map
	if err := dec.Decode(&m); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("sqladapter: parse map: the map is empty: it needs tables")
		}
		return nil, fmt.Errorf("sqladapter: parse map: %w", err)
	}
	if dec.More() {
		return nil, errors.New("sqladapter: parse map: data after the map: give one JSON object")
	}
	if err := m.Check(); err != nil {
		return nil, err
	}
	return &m, nil
}

// Check checks the map on its own: required fields, known kinds and
// strategies, references to tables of the map, no reference cycle. It
// returns a *MapError, or several joined.
func (m *Map) Check() error {
	var errs []error
	bad := func(t, c, format string, args ...any) {
		errs = append(errs, &MapError{Table: t, Column: c, Reason: fmt.Sprintf(format, args...)})
	}
	if len(m.Tables) == 0 {
		bad("", "", "no tables")
	}
	if _, err := normalize.PhoneRegion(m.Region); err != nil {
		errs = append(errs, &MapError{Reason: "region", Err: err})
	}
	names := make(map[string]*Table)
	for i := range m.Tables {
		t := &m.Tables[i]
		if t.Name == "" {
			bad(fmt.Sprintf("#%d", i), "", "name is required")
			continue
		}
		if names[t.Name] != nil {
			bad(t.Name, "", "listed twice")
		}
		names[t.Name] = t
	}
	for i := range m.Tables {
		checkTable(&m.Tables[i], names, m.HashKeyEnv, bad)
	}
	m.checkTenancy(bad)
	if len(errs) == 0 {
		if err := m.cycle(names); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func checkTable(t *Table, names map[string]*Table, hashEnv string, bad func(t, c, f string, a ...any)) {
	if t.Name == "" {
		return
	}
	if t.Key == "" {
		bad(t.Name, "", "key is required")
	}
	if (t.Kind == "") == (t.KindColumn == "") {
		bad(t.Name, "", "needs exactly one of kind and kindColumn")
	}
	switch t.Erase {
	case "", EraseDelete:
	case EraseAnonymize:
		if t.AnonymizedColumn == "" {
			bad(t.Name, "", "erase: anonymize needs anonymizedColumn")
		}
	default:
		bad(t.Name, "", "erase is not %q or %q", EraseDelete, EraseAnonymize)
	}
	terms := 0
	seen := make(map[string]bool)
	for _, c := range t.Columns {
		if c.Name == "" {
			bad(t.Name, "", "a column has no name")
			continue
		}
		if seen[c.Name] {
			bad(t.Name, c.Name, "listed twice")
		}
		seen[c.Name] = true
		if c.Term != "" {
			terms++
			if !knownKind(c.Term) {
				bad(t.Name, c.Name, "term %q is not a known kind", c.Term)
			}
			scoped := c.Term == gdpr.KindDialerContactID || c.Term == gdpr.KindJourneyCustomer
			if scoped && c.Scope == "" {
				bad(t.Name, c.Name, "a %s column needs scope", c.Term)
			}
			if !scoped && c.Scope != "" {
				bad(t.Name, c.Name, "scope is only for DIALER_CONTACT_ID and JOURNEY_CUSTOMER")
			}
		} else if c.Scope != "" || c.Normalized != "" {
			bad(t.Name, c.Name, "scope and normalized need a term")
		}
		switch c.Anonymize {
		case "", AnonymizeNull, AnonymizeRedact, AnonymizeFakeEmail, AnonymizeFakePhone, AnonymizeKeep:
		case AnonymizeFixed:
			if c.Value == "" {
				bad(t.Name, c.Name, "anonymize: fixed needs a value")
			}
		case AnonymizeHash:
			if hashEnv == "" {
				bad(t.Name, c.Name, "anonymize: hash needs hashKeyEnv in the map")
			}
		default:
			bad(t.Name, c.Name, "anonymize %q is not a strategy", c.Anonymize)
		}
	}
	if t.Subject && terms == 0 {
		bad(t.Name, "", "a subject table needs a term column")
	}
	for _, r := range t.References {
		switch {
		case r.Column == "":
			bad(t.Name, "", "a reference has no column")
		case names[r.Table] == nil:
			bad(t.Name, r.Column, "references table %q, which the map does not list", r.Table)
		}
	}
}

func knownKind(k gdpr.Kind) bool {
	switch k {
	case gdpr.KindName, gdpr.KindAddress, gdpr.KindPhone, gdpr.KindEmail,
		gdpr.KindTwitter, gdpr.KindInstagram, gdpr.KindFacebook, gdpr.KindAppleMessages,
		gdpr.KindExternalID, gdpr.KindUserID, gdpr.KindExternalContactID,
		gdpr.KindDialerContactID, gdpr.KindJourneyCustomer:
		return true
	}
	return false
}

// cycle reports the first reference cycle as a *MapError naming a table
// and column on it.
func (m *Map) cycle(names map[string]*Table) error {
	const (
		white = iota
		grey
		black
	)
	color := make(map[string]int)
	var visit func(t *Table) error
	visit = func(t *Table) error {
		color[t.Name] = grey
		for _, r := range t.References {
			switch color[r.Table] {
			case grey:
				return &MapError{Table: t.Name, Column: r.Column,
					Reason: fmt.Sprintf("reference to table %q closes a cycle", r.Table)}
			case white:
				if err := visit(names[r.Table]); err != nil {
					return err
				}
			}
		}
		color[t.Name] = black
		return nil
	}
	for i := range m.Tables {
		if color[m.Tables[i].Name] == white {
			if err := visit(&m.Tables[i]); err != nil {
				return err
			}
		}
	}
	return nil
}
