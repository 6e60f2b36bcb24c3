package sqladapter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"os"
	"strings"

	"github.com/gdprkit/gdpr/internal/normalize"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

var _ adapter.Adapter = (*Adapter)(nil)

// Adapter is a adapter.Adapter over the tables of one database that a
// Map describes. It is safe for concurrent use and starts no goroutines;
// it does not own the *sql.DB it was opened on. It prepares the
// statements it reads with and keeps them until Close.
type Adapter struct {
	name    string
	db      *sql.DB
	d       Dialect
	norm    adapter.Normalizer
	hashKey []byte
	ops     string            // quoted table of remembered operations
	scoped  bool              // the tables name tenant columns
	tenants map[string]string // Map.Tenants, nil when the columns hold organization ids
	tables  []*table          // parents before the tables that reference them
	stmts   stmts
}

// table is a Table of the map checked against the live schema.
type table struct {
	m       *Table
	qname   string
	cols    []column
	idx     map[string]int
	key     int
	kindCol int // -1 when the kind is fixed
	marker  int // -1 without an anonymized column
	terms   []termCol
	refs    []ref
	fields  []string // export name per column; "" when excluded
	anon    map[int]anonSpec
	targets []int // columns that references of other tables point to
	tenant  int   // -1 without a tenant column
}

// termCol is a column holding a term.
type termCol struct {
	col   int
	kind  gdpr.Kind
	scope int // -1 when unscoped
	norm  int // -1 when the column is scanned
	// normWrite is true when the adapter writes the normalized column: it
	// is not generated and not the term column itself.
	normWrite bool
}

type ref struct {
	col    int
	parent *table
	to     int
}

type anonSpec struct {
	strategy, value string
}

// Option configures Open.
type Option func(*config) error

type config struct {
	region  *string
	hashKey []byte
	ops     string
	// readOnly: see WithReadOnly.
	readOnly bool
}

// WithPhoneRegion sets the ISO 3166 region (such as "GB"; any case) that
// phone numbers without a country code are read in, overriding the map's
// region; "" accepts E.164 numbers only. Open fails when region has no
// phone numbering plan.
func WithPhoneRegion(region string) Option {
	return func(c *config) error {
		r, err := normalize.PhoneRegion(region)
		if err != nil {
			return fmt.Errorf("sqladapter: WithPhoneRegion: %w", err)
		}
		c.region = &r
		return nil
	}
}

// WithHashKey sets the key of the "hash" strategy and of fake emails and
// phones, instead of reading the variable the map's hashKeyEnv names. The
// key is copied.
func WithHashKey(key []byte) Option {
	return func(c *config) error {
		if len(key) < 16 {
			return errors.New("sqladapter: WithHashKey: the key needs at least 16 bytes")
		}
		c.hashKey = append([]byte(nil), key...)
		return nil
	}
}

// WithOperationsTable names the table that remembers operations,
// overriding the map's operations (default "gdpr_operations").
func WithOperationsTable(name string) Option {
	return func(c *config) error {
		if strings.TrimSpace(name) == "" {
			return errors.New("sqladapter: WithOperationsTable: the name is empty")
		}
		c.ops = name
		return nil
	}
}

// Open returns an Adapter named name over db, which speaks dialect d. It
// checks m on its own and against the live schema (every table and column
// it names exists, every anonymization strategy fits its column's type and
// nullability) and creates the table of remembered operations if it does
// not exist. Defects are reported as *MapError values naming the table and
// column, joined. Open does not take ownership of db; m is copied.
func Open(ctx context.Context, name string, db *sql.DB, d Dialect, m *Map, opts ...Option) (*Adapter, error) {
	if strings.TrimSpace(name) == "" {
		return nil, errors.New("sqladapter: open: the adapter needs a name")
	}
	if db == nil || m == nil {
		return nil, errors.New("sqladapter: open: db and map are required")
	}
	if !d.valid() {
		return nil, fmt.Errorf("sqladapter: open: dialect %q is not postgres, mysql or sqlite", d)
	}
	var c config
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&c); err != nil {
			return nil, err
		}
	}
	m = m.clone()
	if err := m.Check(); err != nil {
		return nil, err
	}
	a := &Adapter{name: name, db: db, d: d, hashKey: c.hashKey, scoped: m.Scoped()}
	if len(m.Tenants) > 0 {
		a.tenants = m.Tenants
	}
	region := m.Region
	if c.region != nil {
		region = *c.region
	}
	a.norm = adapter.Normalizer{Region: region}
	if a.hashKey == nil && m.HashKeyEnv != "" {
		k := os.Getenv(m.HashKeyEnv)
		if len(k) < 16 {
			return nil, &MapError{Reason: fmt.Sprintf("hashKeyEnv: environment variable %s is unset or shorter than 16 bytes", m.HashKeyEnv)}
		}
		a.hashKey = []byte(k)
	}
	if err := a.compile(ctx, m); err != nil {
		return nil, err
	}
	ops := c.ops
	if ops == "" {
		ops = m.Operations
	}
	if ops == "" {
		ops = "gdpr_operations"
	}
	a.ops = d.table(m.Schema, ops)
	if c.readOnly {
		return a, nil
	}
	if _, err := db.ExecContext(ctx, d.opsDDL(a.ops)); err != nil {
		return nil, fmt.Errorf("sqladapter: open: create operations table %q: %w", ops, err)
	}
	return a, nil
}

// Name returns the name given to Open.
func (a *Adapter) Name() string { return a.name }

func (m *Map) clone() *Map {
	c := *m
	c.Tables = make([]Table, len(m.Tables))
	c.Tenants = maps.Clone(m.Tenants)
	for i, t := range m.Tables {
		t.Columns = append([]Column(nil), t.Columns...)
		t.References = append([]Reference(nil), t.References...)
		t.Exclude = append([]string(nil), t.Exclude...)
		c.Tables[i] = t
	}
	return &c
}

// compile checks every table against the live schema and orders the
// tables, parents first.
func (a *Adapter) compile(ctx context.Context, m *Map) error {
	var errs []error
	byName := make(map[string]*table)
	var all []*table
	for i := range m.Tables {
		mt := &m.Tables[i]
		cols, err := a.d.columns(ctx, a.db, m.Schema, mt.Name)
		if err != nil {
			return fmt.Errorf("sqladapter: open: read the columns of table %q: %w", mt.Name, err)
		}
		if len(cols) == 0 {
			errs = append(errs, &MapError{Table: mt.Name, Reason: "does not exist in the database"})
			continue
		}
		t, terrs := a.compileTable(m, mt, cols)
		errs = append(errs, terrs...)
		byName[mt.Name] = t
		all = append(all, t)
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	for _, t := range all {
		for _, r := range t.m.References {
			p := byName[r.Table]
			to := r.To
			if to == "" {
				to = p.m.Key
			}
			ci, ok := t.idx[r.Column]
			if !ok {
				errs = append(errs, &MapError{Table: t.m.Name, Column: r.Column, Reason: "does not exist in the database"})
				continue
			}
			ti, ok := p.idx[to]
			if !ok {
				errs = append(errs, &MapError{Table: p.m.Name, Column: to, Reason: "does not exist in the database (referenced by table " + t.m.Name + ")"})
				continue
			}
			t.refs = append(t.refs, ref{col: ci, parent: p, to: ti})
			if !containsInt(p.targets, ti) {
				p.targets = append(p.targets, ti)
			}
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	// Parents first: Check refused cycles.
	done := make(map[*table]bool)
	var visit func(t *table)
	visit = func(t *table) {
		if done[t] {
			return
		}
		done[t] = true
		for _, r := range t.refs {
			visit(r.parent)
		}
		a.tables = append(a.tables, t)
	}
	for _, t := range all {
		visit(t)
	}
	return nil
}

// idKind reports whether values of k are normalized by trimming alone, so
// that they are compared as stored.
func idKind(k gdpr.Kind) bool {
	switch k {
	case gdpr.KindExternalID, gdpr.KindUserID, gdpr.KindExternalContactID,
		gdpr.KindDialerContactID, gdpr.KindJourneyCustomer:
		return true
	}
	return false
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func (a *Adapter) compileTable(m *Map, mt *Table, cols []column) (*table, []error) {
	t := &table{m: mt, qname: a.d.table(m.Schema, mt.Name), cols: cols, idx: make(map[string]int),
		kindCol: -1, marker: -1, anon: make(map[int]anonSpec)}
	for i, c := range cols {
		t.idx[c.Name] = i
		t.fields = append(t.fields, c.Name)
	}
	var errs []error
	bad := func(col, format string, args ...any) {
		errs = append(errs, &MapError{Table: mt.Name, Column: col, Reason: fmt.Sprintf(format, args...)})
	}
	find := func(name string) int {
		i, ok := t.idx[name]
		if !ok {
			bad(name, "does not exist in the database")
			return -1
		}
		return i
	}
	t.key = find(mt.Key)
	a.compileTenant(m, t, bad)
	if mt.KindColumn != "" {
		t.kindCol = find(mt.KindColumn)
	}
	if mt.AnonymizedColumn != "" {
		t.marker = find(mt.AnonymizedColumn)
		if t.marker >= 0 {
			c := cols[t.marker]
			if !c.Nullable || c.Generated {
				bad(c.Name, "an anonymizedColumn must be nullable and not generated")
			}
			if c.Cat == catOther || c.Cat == catNumber {
				bad(c.Name, "an anonymizedColumn must be a boolean, integer, time or text column, not %s", c.DataType)
			}
		}
	}
	for _, x := range mt.Exclude {
		if i := find(x); i >= 0 {
			t.fields[i] = ""
		}
	}
	for _, mc := range mt.Columns {
		ci := find(mc.Name)
		if ci < 0 {
			continue
		}
		if mc.Field != "" && t.fields[ci] != "" {
			t.fields[ci] = mc.Field
		}
		strategy := mc.Anonymize
		if strategy == "" {
			strategy = AnonymizeKeep
			if mc.Term != "" {
				strategy = AnonymizeNull
			}
		}
		if mt.Erase == EraseAnonymize && strategy != AnonymizeKeep {
			if cols[ci].Generated {
				bad(mc.Name, "is generated; it cannot be anonymized")
			} else if why := fits(cols[ci], strategy, mc.Value); why != "" {
				bad(mc.Name, "%s", why)
			} else {
				t.anon[ci] = anonSpec{strategy: strategy, value: mc.Value}
			}
		}
		if mc.Term == "" {
			continue
		}
		tc := termCol{col: ci, kind: mc.Term, scope: -1, norm: -1}
		if mc.Scope != "" {
			tc.scope = find(mc.Scope)
		}
		if mc.Normalized != "" {
			tc.norm = find(mc.Normalized)
			if tc.norm >= 0 {
				nc := cols[tc.norm]
				tc.normWrite = tc.norm != ci && !nc.Generated
				if nc.Cat != catText && nc.Cat != catAny {
					bad(nc.Name, "a normalized column must hold text, not %s", nc.DataType)
				}
			}
		}
		if tc.norm < 0 && idKind(mc.Term) {
			tc.norm = ci // ids are compared as stored
		}
		if mt.Erase == EraseAnonymize && tc.normWrite && strategy != AnonymizeKeep && !cols[tc.norm].Nullable {
			bad(cols[tc.norm].Name, "is NOT NULL; anonymizing column %q needs to clear it", mc.Name)
		}
		t.terms = append(t.terms, tc)
	}
	return t, errs
}
