package sqladapter_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/sqladapter"
)

// tenantMap is a map of a contact table and a linked order table, both
// tenant-scoped by org_id.
const tenantMap = `{"tables": [
	{"name": "contacts", "key": "id", "kind": "externalContact", "subject": true, "tenant": "org_id",
	 "columns": [{"name": "email", "term": "EMAIL", "normalized": "email_norm"}]},
	{"name": "orders", "key": "id", "kind": "order", "tenant": "org_id",
	 "references": [{"column": "contact_id", "table": "contacts"}]}]}`

func TestMapTenancyChecks(t *testing.T) {
	t.Parallel()
	m, err := sqladapter.ParseMap(strings.NewReader(tenantMap))
	if err != nil {
		t.Fatal(err)
	}
	if !m.Scoped() {
		t.Error("a map whose tables name tenant columns is not Scoped")
	}
	for _, c := range []struct{ name, text, want string }{
		{"linked table unscoped", `{"tables": [
			{"name": "contacts", "key": "id", "kind": "k", "subject": true, "tenant": "org_id", "columns": [{"name": "email", "term": "EMAIL"}]},
			{"name": "orders", "key": "id", "kind": "order", "references": [{"column": "contact_id", "table": "contacts"}]}]}`,
			`table "orders": has no tenant column while table "contacts" is tenant-scoped: a linked table without one would be reached across organizations; name the column that holds each row's organization (tenant: COLUMN)`},
		{"subject table unscoped", `{"tables": [
			{"name": "contacts", "key": "id", "kind": "k", "subject": true, "columns": [{"name": "email", "term": "EMAIL"}]},
			{"name": "orders", "key": "id", "kind": "order", "tenant": "org_id", "references": [{"column": "contact_id", "table": "contacts"}]}]}`,
			`table "contacts": has no tenant column while table "orders" is tenant-scoped`},
		{"tenants without columns", `{"tenants": {"org-a": "1"}, "tables": [{"name": "t", "key": "id", "kind": "k"}]}`,
			"tenants maps organizations to tenant values, but no table names its tenant column"},
		{"shared tenant value", `{"tenants": {"org-a": "1", "org-b": "1"}, "tables": [{"name": "t", "key": "id", "kind": "k", "tenant": "org"}]}`,
			`organizations "org-a" and "org-b" have the same tenant value`},
		{"empty tenant value", `{"tenants": {"org-a": " "}, "tables": [{"name": "t", "key": "id", "kind": "k", "tenant": "org"}]}`,
			`organization "org-a" has an empty tenant value`},
		{"empty organization", `{"tenants": {"": "1"}, "tables": [{"name": "t", "key": "id", "kind": "k", "tenant": "org"}]}`,
			"an organization id is empty"},
		{"tenant is the key", `{"tables": [{"name": "t", "key": "id", "kind": "k", "tenant": "id"}]}`,
			"the tenant column cannot also be the key"},
		{"tenant holds a term", `{"tables": [{"name": "t", "key": "id", "kind": "k", "subject": true, "tenant": "org", "columns": [{"name": "org", "term": "EXTERNAL_ID"}]}]}`,
			"the tenant column cannot hold a term"},
		{"tenant anonymized", `{"tables": [{"name": "t", "key": "id", "kind": "k", "tenant": "org", "erase": "anonymize", "anonymizedColumn": "a", "columns": [{"name": "org", "anonymize": "null"}]}]}`,
			"the tenant column must be kept on anonymization"},
		{"tenant is a reference", `{"tables": [{"name": "a", "key": "id", "kind": "k", "tenant": "org"}, {"name": "b", "key": "id", "kind": "k", "tenant": "org", "references": [{"column": "org", "table": "a"}]}]}`,
			"the tenant column cannot be a reference"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := sqladapter.ParseMap(strings.NewReader(c.text))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			var me *sqladapter.MapError
			if !errors.As(err, &me) {
				t.Errorf("error %T is not a *MapError", err)
			}
		})
	}
}

func TestOpenTenantChecks(t *testing.T) {
	t.Parallel()
	tdb := testDBs()["SQLite"]
	db, schema := tdb.Fresh(t)
	d := tdb.Dialect
	mustExec(t, db, `CREATE TABLE `+qt(d, schema, "contacts")+` (id VARCHAR(64) PRIMARY KEY, org_id INTEGER NOT NULL, email VARCHAR(254), email_norm VARCHAR(254))`)
	mustExec(t, db, `CREATE TABLE `+qt(d, schema, "orders")+` (id VARCHAR(64) PRIMARY KEY, org_id INTEGER NOT NULL, contact_id VARCHAR(64))`)
	for _, c := range []struct {
		name    string
		tenants map[string]string
		tenant  string
		want    string
	}{
		{"integer column holds no organization id", nil, "org_id", `column "org_id": the tenant column has type INTEGER, which cannot hold organization ids: map each organization to its tenant value (tenants:)`},
		{"tenant value not an integer", map[string]string{"org-a": "A1"}, "org_id", `column "org_id": the tenant value of organization "org-a" does not fit`},
		{"missing column", map[string]string{"org-a": "1"}, "tenant", `column "tenant": does not exist in the database`},
		{"fits", map[string]string{"org-a": "1", "org-b": "2"}, "org_id", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := sqladapter.ParseMap(strings.NewReader(tenantMap))
			if err != nil {
				t.Fatal(err)
			}
			m.Schema, m.Tenants = schema, c.tenants
			m.Operations = "ops_" + strings.ReplaceAll(c.name, " ", "_")
			for i := range m.Tables {
				m.Tables[i].Tenant = c.tenant
			}
			a, err := sqladapter.Open(t.Context(), "crm", db, d, m)
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				a.Close()
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Open: error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// TestTenantValues: with a map of organizations to tenant values, an
// organization reaches only the rows holding its value, an organization
// the map does not list holds nothing, and no organization is refused.
func TestTenantValues(t *testing.T) {
	t.Parallel()
	tdb := testDBs()["SQLite"]
	db, schema := tdb.Fresh(t)
	d := tdb.Dialect
	mustExec(t, db, `CREATE TABLE `+qt(d, schema, "contacts")+` (id VARCHAR(64) PRIMARY KEY, org_id INTEGER NOT NULL, email VARCHAR(254), email_norm VARCHAR(254))`)
	mustExec(t, db, `CREATE TABLE `+qt(d, schema, "orders")+` (id VARCHAR(64) PRIMARY KEY, org_id INTEGER NOT NULL, contact_id VARCHAR(64))`)
	for i, org := range []int64{41, 42} {
		id := []string{"c41", "c42"}[i]
		insert(t, db, d, qt(d, schema, "contacts"), []string{"id", "org_id", "email", "email_norm"},
			[]any{id, org, "Jo@Example.com", "jo@example.com"})
		insert(t, db, d, qt(d, schema, "orders"), []string{"id", "org_id", "contact_id"}, []any{"o" + id, org, id})
	}
	m, err := sqladapter.ParseMap(strings.NewReader(tenantMap))
	if err != nil {
		t.Fatal(err)
	}
	m.Schema, m.Tenants = schema, map[string]string{"org-a": "41", "org-b": "42"}
	a, err := sqladapter.Open(t.Context(), "crm", db, d, m)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if !a.TenantScoped() {
		t.Error("TenantScoped is false over tenant-scoped tables")
	}
	email := term(t, gdpr.KindEmail, "jo@example.com")
	if _, err := a.Search(t.Context(), email); !errors.Is(err, adapter.ErrNoOrganization) {
		t.Errorf("Search without an organization: %v, want adapter.ErrNoOrganization", err)
	}
	if ss, err := a.Search(gdpr.ContextWithOrganization(t.Context(), "org-c"), email); err != nil || len(ss) != 0 {
		t.Errorf("Search for an organization the map does not list: %d subjects, %v; want none", len(ss), err)
	}
	ctxB := gdpr.ContextWithOrganization(t.Context(), "org-b")
	got := map[string]adapter.Record{}
	err = a.Export(ctxB, adapter.Op{RequestID: "r", ID: "r/export"}, []gdpr.Term{email}, func(r adapter.Record) error {
		got[r.Kind+"/"+r.ID] = r
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if k := keysOf(got); k != "externalContact/c42 order/oc42" {
		t.Errorf("export for org-b: %s, want only org-b's contact and order", k)
	}
	out, err := a.Erase(ctxB, adapter.Op{RequestID: "r1", ID: "r1/crm"}, []gdpr.Term{email}, nil)
	if err != nil || out.Deleted != 2 {
		t.Fatalf("erase for org-b: %+v, %v; want 2 rows deleted", out, err)
	}
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM ` + qt(d, schema, "contacts") + ` WHERE org_id = 41`).Scan(&n); err != nil || n != 1 {
		t.Errorf("org-a's contacts after org-b's erasure: %d, %v; want 1", n, err)
	}
}
