package sqladapter_test

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/sqladapter"
)

// describeMap maps contacts (subject), tickets (linked to contacts), an
// audit table that nothing reaches, and presence (a subject table that
// anonymizes).
const describeMap = `
tables:
  - name: contacts
    key: id
    kind: externalContact
    subject: true
    columns:
      - {name: full_name, term: NAME}
      - {name: email, term: EMAIL}
  - name: tickets
    key: id
    kind: ticket
    references: [{column: contact_id, table: contacts}]
  - name: audit
    key: id
    kind: auditEntry
`

// describeSchema creates the tables of describeMap, without rows.
func describeSchema(t *testing.T, tdb testDB) (*sql.DB, string) {
	t.Helper()
	db, schema := tdb.Fresh(t)
	k := keyType(tdb.Dialect)
	tb := func(n string) string { return qt(tdb.Dialect, schema, n) }
	mustExec(t, db, `CREATE TABLE `+tb("contacts")+` (id `+k+` PRIMARY KEY, full_name VARCHAR(200), email VARCHAR(254), notes TEXT, tier VARCHAR(20))`)
	mustExec(t, db, `CREATE TABLE `+tb("tickets")+` (id `+k+` PRIMARY KEY, contact_id `+k+`, subject TEXT)`)
	mustExec(t, db, `CREATE TABLE `+tb("audit")+` (id `+k+` PRIMARY KEY, what TEXT)`)
	mustExec(t, db, `CREATE TABLE `+tb("presence")+` (id `+k+` PRIMARY KEY, status TEXT, since VARCHAR(40), code VARCHAR(20))`)
	return db, schema
}

// TestDescribe checks the inventory of an adapter: term kinds of subject
// tables, erase behaviour, fields from the live schema, and the
// unreachable audit table.
func TestDescribe(t *testing.T) {
	forEachDB(t, func(t *testing.T, tdb testDB) {
		db, schema := describeSchema(t, tdb)
		m, err := parseYAMLMap(describeMap + `
  - name: presence
    key: id
    kind: presence
    subject: true
    erase: anonymize
    anonymizedColumn: code
    columns:
      - {name: status, term: PHONE, anonymize: redact}
`)
		if err != nil {
			t.Fatal(err)
		}
		m.Schema = schema
		a, err := sqladapter.Open(context.Background(), "crm", db, tdb.Dialect, m)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		inv, err := a.Describe(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if want := []gdpr.Kind{gdpr.KindName, gdpr.KindPhone, gdpr.KindEmail}; !slices.Equal(inv.Terms, want) {
			t.Errorf("terms %v, want %v", inv.Terms, want)
		}
		if !strings.HasPrefix(inv.Store, string(tdb.Dialect)) || (schema != "" && !strings.Contains(inv.Store, schema)) {
			t.Errorf("store %q", inv.Store)
		}
		got := map[string]adapter.RecordKind{}
		for _, rk := range inv.Records {
			got[rk.Source] = rk
		}
		c := got["contacts"]
		if c.Kind != "externalContact" || !c.Subject || c.Erase != adapter.EraseDeletes || !c.Reachable ||
			!slices.Equal(c.Terms, []gdpr.Kind{gdpr.KindName, gdpr.KindEmail}) ||
			!slices.Equal(c.Fields, []string{"id", "full_name", "email", "notes", "tier"}) {
			t.Errorf("contacts: %+v", c)
		}
		if tk := got["tickets"]; tk.Subject || !tk.Reachable || len(tk.Terms) != 0 || !slices.Equal(tk.LinkedTo, []string{"contacts"}) {
			t.Errorf("tickets: %+v", tk)
		}
		if au := got["audit"]; au.Reachable || !strings.Contains(au.Note, "unreachable") {
			t.Errorf("audit: %+v", au)
		}
		if p := got["presence"]; p.Erase != adapter.EraseAnonymizes {
			t.Errorf("presence: %+v", p)
		}
	})
}
