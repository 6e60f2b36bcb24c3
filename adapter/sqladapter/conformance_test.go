package sqladapter_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/adaptertest"
	"github.com/gdprkit/gdpr/adapter/sqladapter"
)

// variant is how a data set is laid out in tables.
type variant struct {
	// normalized adds, for every term column, an indexed column holding
	// the normalized value; without it, search scans.
	normalized bool
	// anonymize erases by anonymizing rather than deleting.
	anonymize bool
}

func TestConformance(t *testing.T) {
	forEachDB(t, func(t *testing.T, tdb testDB) {
		adaptertest.TestAdapter(t, func(t *testing.T, fx adaptertest.Fixture) adapter.Adapter {
			return loadFixture(t, tdb, fx, variant{normalized: true})
		})
	})
}

func TestConformanceScan(t *testing.T) {
	t.Parallel()
	tdb := testDBs()["SQLite"]
	adaptertest.TestAdapter(t, func(t *testing.T, fx adaptertest.Fixture) adapter.Adapter {
		return loadFixture(t, tdb, fx, variant{anonymize: true})
	})
}

// personCol is a column of the people table.
type personCol struct {
	name  string
	kind  gdpr.Kind
	scope string
	get   func(p *adaptertest.Person) string
}

// peopleColumns lays out the people of fx: one column per id, enough
// numbered columns for the most emails, phones, addresses and handles of
// each type that one person has. The first social handle of a person is
// the first handle column holding a value, so handle types are laid out
// in the order the data set first uses them.
func peopleColumns(fx adaptertest.Fixture) []personCol {
	cols := []personCol{
		{"user_id", gdpr.KindUserID, "", func(p *adaptertest.Person) string { return p.UserID }},
		{"external_contact_id", gdpr.KindExternalContactID, "", func(p *adaptertest.Person) string { return p.ExternalContactID }},
		{"dialer_contact_id", gdpr.KindDialerContactID, "dialer_contact_list", func(p *adaptertest.Person) string {
			if p.DialerContactID == nil {
				return ""
			}
			return p.DialerContactID.ID
		}},
		{"dialer_contact_list", "", "", func(p *adaptertest.Person) string {
			if p.DialerContactID == nil {
				return ""
			}
			return p.DialerContactID.ContactListID
		}},
		{"journey_customer_id", gdpr.KindJourneyCustomer, "journey_customer_type", func(p *adaptertest.Person) string {
			if p.JourneyCustomer == nil {
				return ""
			}
			return p.JourneyCustomer.ID
		}},
		{"journey_customer_type", "", "", func(p *adaptertest.Person) string {
			if p.JourneyCustomer == nil {
				return ""
			}
			return p.JourneyCustomer.Type
		}},
		{"external_id", gdpr.KindExternalID, "", func(p *adaptertest.Person) string { return p.ExternalID }},
		{"name", gdpr.KindName, "", func(p *adaptertest.Person) string { return p.Name }},
	}
	list := func(prefix string, kind gdpr.Kind, n int, get func(p *adaptertest.Person) []string) {
		for i := range n {
			cols = append(cols, personCol{fmt.Sprintf("%s_%d", prefix, i+1), kind, "", func(p *adaptertest.Person) string {
				if vs := get(p); i < len(vs) {
					return vs[i]
				}
				return ""
			}})
		}
	}
	most := func(f func(p *adaptertest.Person) int) int {
		n := 0
		for i := range fx.People {
			n = max(n, f(&fx.People[i]))
		}
		return n
	}
	list("email", gdpr.KindEmail, most(func(p *adaptertest.Person) int { return len(p.Emails) }),
		func(p *adaptertest.Person) []string { return p.Emails })
	list("phone", gdpr.KindPhone, most(func(p *adaptertest.Person) int { return len(p.Phones) }),
		func(p *adaptertest.Person) []string { return p.Phones })
	list("address", gdpr.KindAddress, most(func(p *adaptertest.Person) int { return len(p.Addresses) }),
		func(p *adaptertest.Person) []string { return p.Addresses })
	var types []gdpr.Kind
	for _, p := range fx.People {
		for _, h := range p.SocialHandles {
			if !containsType(types, h.Type) {
				types = append(types, h.Type)
			}
		}
	}
	for _, typ := range types {
		handles := func(p *adaptertest.Person) []string {
			var vs []string
			for _, h := range p.SocialHandles {
				if h.Type == typ {
					vs = append(vs, h.Value)
				}
			}
			return vs
		}
		list(strings.ToLower(string(typ)), gdpr.Kind(typ),
			most(func(p *adaptertest.Person) int { return len(handles(p)) }), handles)
	}
	return cols
}

func containsType(ts []gdpr.Kind, t gdpr.Kind) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

// loadFixture creates tables for fx in a fresh schema, loads it, and
// opens an adapter over it: a "people" table (kind in a column, one
// column per term) and one table per kind of linked record, referencing
// people through its "person" column.
func loadFixture(t *testing.T, tdb testDB, fx adaptertest.Fixture, v variant) adapter.Adapter {
	t.Helper()
	db, schema := tdb.Fresh(t)
	d := tdb.Dialect
	norm := adapter.Normalizer{}
	m := &sqladapter.Map{Schema: schema}
	erase := sqladapter.EraseDelete
	marker := ""
	if v.anonymize {
		erase, marker = sqladapter.EraseAnonymize, "anonymized_at"
	}

	// Tenancy: the data set of the isolation section names organizations.
	// They are held as they are in a text column; in the anonymizing
	// layout, as numbers in an integer column, through the map's tenants.
	tenanted := len(fx.Organizations()) > 0
	tenantType := keyType(d)
	tenantOf := func(org string) any { return org }
	if tenanted && v.anonymize {
		tenantType = "INTEGER"
		m.Tenants = map[string]string{}
		for i, org := range fx.Organizations() {
			m.Tenants[org] = fmt.Sprint(i + 1)
		}
		tenantOf = func(org string) any { return int64(slices.Index(fx.Organizations(), org) + 1) }
	}
	personOrg := map[string]string{}
	for _, p := range fx.People {
		personOrg[p.Key] = p.Organization
	}

	// People.
	cols := peopleColumns(fx)
	people := sqladapter.Table{Name: "people", Key: "key", KindColumn: "kind", Subject: true,
		Erase: erase, AnonymizedColumn: marker}
	ddl := []string{q(d, "key") + " " + keyType(d) + " PRIMARY KEY", q(d, "kind") + " VARCHAR(64) NOT NULL",
		q(d, "employment") + " VARCHAR(64)", q(d, "attributes") + " TEXT"}
	var index []string
	names := []string{"key", "kind", "employment", "attributes"}
	if tenanted {
		people.Tenant = "org"
		ddl = append(ddl, q(d, "org")+" "+tenantType+" NOT NULL")
		names = append(names, "org")
	}
	for _, c := range cols {
		ddl = append(ddl, q(d, c.name)+" "+keyType(d))
		names = append(names, c.name)
		if c.kind == "" {
			continue
		}
		mc := sqladapter.Column{Name: c.name, Term: c.kind, Scope: c.scope}
		if c.kind.IsID() || c.kind == gdpr.KindExternalID {
			index = append(index, c.name)
		} else if v.normalized {
			mc.Normalized = c.name + "_norm"
			ddl = append(ddl, q(d, mc.Normalized)+" "+keyType(d))
			index = append(index, mc.Normalized)
		}
		people.Columns = append(people.Columns, mc)
	}
	if v.anonymize {
		ddl = append(ddl, q(d, marker)+" VARCHAR(40)")
		people.Columns = append(people.Columns, sqladapter.Column{Name: "attributes", Anonymize: sqladapter.AnonymizeNull})
	}
	ptable := qt(d, schema, "people")
	mustExec(t, db, "CREATE TABLE "+ptable+" ("+strings.Join(ddl, ", ")+")")
	for i, c := range index {
		on := q(d, c)
		if tenanted {
			on = q(d, "org") + ", " + on // the tenant column first
		}
		mustExec(t, db, fmt.Sprintf("CREATE INDEX %s ON %s (%s)", q(d, fmt.Sprintf("people_i%d", i)), ptable, on))
	}
	m.Tables = append(m.Tables, people)
	for i := range fx.People {
		p := &fx.People[i]
		vals := []any{p.Key, p.Kind, nullable(p.Employment), nil}
		if len(p.Attributes) > 0 {
			b, _ := json.Marshal(p.Attributes)
			vals[3] = string(b)
		}
		if tenanted {
			vals = append(vals, tenantOf(p.Organization))
		}
		names := names
		for _, c := range cols {
			vals = append(vals, nullable(c.get(p)))
		}
		if v.normalized {
			for _, c := range cols {
				if c.kind == "" || c.kind.IsID() || c.kind == gdpr.KindExternalID {
					continue
				}
				names = append(names, c.name+"_norm")
				var n any
				if raw := c.get(p); raw != "" {
					s, err := norm.Value(c.kind, raw)
					if err != nil {
						t.Fatalf("person %s: %s: %v", p.Key, c.name, err)
					}
					n = s
				}
				vals = append(vals, n)
			}
		}
		insert(t, db, d, ptable, names, vals)
	}

	// Linked records, one table per kind.
	var kinds []string
	fields := map[string][]string{}
	for _, r := range fx.Records {
		if _, ok := fields[r.Kind]; !ok {
			kinds = append(kinds, r.Kind)
			fields[r.Kind] = nil
		}
		for f := range r.Fields {
			if !contains(fields[r.Kind], f) {
				fields[r.Kind] = append(fields[r.Kind], f)
			}
		}
	}
	for i, kind := range kinds {
		name := fmt.Sprintf("rec_%d", i+1)
		tbl := qt(d, schema, name)
		ddl := []string{q(d, "id") + " " + keyType(d) + " PRIMARY KEY",
			q(d, "person") + " " + keyType(d) + " REFERENCES " + ptable + " (" + q(d, "key") + ")"}
		mt := sqladapter.Table{Name: name, Key: "id", Kind: kind, Erase: erase, AnonymizedColumn: marker,
			References: []sqladapter.Reference{{Column: "person", Table: "people"}}}
		for _, f := range fields[kind] {
			ddl = append(ddl, q(d, f)+" TEXT")
			if v.anonymize {
				mt.Columns = append(mt.Columns, sqladapter.Column{Name: f, Anonymize: sqladapter.AnonymizeRedact})
			}
		}
		if v.anonymize {
			ddl = append(ddl, q(d, marker)+" VARCHAR(40)")
		}
		if tenanted {
			mt.Tenant = "org"
			ddl = append(ddl, q(d, "org")+" "+tenantType+" NOT NULL")
		}
		mustExec(t, db, "CREATE TABLE "+tbl+" ("+strings.Join(ddl, ", ")+")")
		mustExec(t, db, fmt.Sprintf("CREATE INDEX %s ON %s (%s)", q(d, name+"_person"), tbl, q(d, "person")))
		m.Tables = append(m.Tables, mt)
		for _, r := range fx.Records {
			if r.Kind != kind {
				continue
			}
			names := []string{"id", "person"}
			vals := []any{r.ID, r.Person}
			if tenanted {
				names = append(names, "org")
				vals = append(vals, tenantOf(personOrg[r.Person]))
			}
			for _, f := range fields[kind] {
				names = append(names, f)
				if v, ok := r.Fields[f]; ok {
					vals = append(vals, v)
				} else {
					vals = append(vals, nil)
				}
			}
			insert(t, db, d, tbl, names, vals)
		}
	}

	a, err := sqladapter.Open(t.Context(), "sql-"+string(d), db, d, m)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
