package sqlscan_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr/internal/sqlscan"
)

// tenantScanMap maps contacts by organization, leaving out their notes;
// the "other" table is not mapped.
const tenantScanMap = `
tenants: {acme: "17", globex: "42"}
tables:
  - name: contacts
    key: id
    kind: externalContact
    subject: true
    tenant: org_id
    columns:
      - {name: full_name, term: NAME}
`

// TestScanOneOrganization: a scan for one organization samples only its
// rows, by the tenant column with the organization's tenant value, and
// skips unmapped tables; the tenant column itself is never sampled.
func TestScanOneOrganization(t *testing.T) {
	forEachDB(t, func(t *testing.T, tdb testDB) {
		db, schema := tdb.Fresh(t)
		d := tdb.Dialect
		k := keyType(d)
		mustExec(t, db, `CREATE TABLE `+qt(d, schema, "contacts")+` (id `+k+` PRIMARY KEY, org_id `+k+` NOT NULL, full_name `+k+`, notes TEXT)`)
		mustExec(t, db, `CREATE TABLE `+qt(d, schema, "other")+` (id `+k+` PRIMARY KEY, body TEXT)`)
		cols := []string{"id", "org_id", "full_name", "notes"}
		insert(t, db, d, qt(d, schema, "contacts"), cols, []any{"a1", "17", "Jordan Blake", "mail jordan.blake@example.com"})
		insert(t, db, d, qt(d, schema, "contacts"), cols, []any{"g1", "42", "Jordan Blake", "mail jordan.blake@example.com"})
		insert(t, db, d, qt(d, schema, "contacts"), cols, []any{"g2", "42", "Casey Park", "mail casey@example.org"})
		insert(t, db, d, qt(d, schema, "other"), []string{"id", "body"}, []any{"o1", "someone@example.net"})
		m, err := parseMap(tenantScanMap)
		if err != nil {
			t.Fatal(err)
		}
		m.Schema = schema
		for _, c := range []struct {
			org           string
			values, names int
		}{{"acme", 1, 1}, {"globex", 2, 2}, {"initech", 0, 0}} {
			rep, err := sqlscan.Scan(context.Background(), db, d, m, sqlscan.Options{Organization: c.org, Names: true})
			if err != nil {
				t.Fatal(err)
			}
			got := 0
			if f := findColumn(rep, "contacts", "notes"); f != nil {
				for _, mt := range f.Matches {
					if mt.Kind == sqlscan.FoundEmail {
						got += mt.Values
					}
				}
			}
			if got != c.values {
				t.Errorf("scan for %s: %d values found in contacts.notes, want %d", c.org, got, c.values)
			}
			if rep.Names != c.names {
				t.Errorf("scan for %s read %d subjects' names, want its own %d", c.org, rep.Names, c.names)
			}
			if findColumn(rep, "contacts", "org_id") != nil || findColumn(rep, "other", "body") != nil {
				t.Errorf("scan for %s sampled the tenant column or an unmapped table", c.org)
			}
			if !slices.Contains(rep.Skipped, "other") {
				t.Errorf("scan for %s: skipped %v, want the unmapped table", c.org, rep.Skipped)
			}
		}
		unscoped, _ := parseMap("tables: [{name: contacts, key: id, kind: k, subject: true, columns: [{name: full_name, term: NAME}]}]")
		unscoped.Schema = schema
		if _, err := sqlscan.Scan(context.Background(), db, d, unscoped, sqlscan.Options{Organization: "acme"}); err == nil ||
			!strings.Contains(err.Error(), "the map names no tenant columns") {
			t.Errorf("scan for an organization with an unscoped map: %v", err)
		}
	})
}
