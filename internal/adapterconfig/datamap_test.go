package adapterconfig_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/internal/adapterconfig"
)

func TestParseMap(t *testing.T) {
	m, err := adapterconfig.ParseMap(strings.NewReader(crmMap))
	if err != nil {
		t.Fatal(err)
	}
	if c := m.Tables[0].Columns[0]; c.Name != "email" || c.Term != gdpr.KindEmail {
		t.Errorf("column: %+v", c)
	}
	for _, c := range []struct{ text, want string }{
		{"", "the map is empty"},
		{"tables:\n  - name: t\n    key: id\n    kind: k\n    colour: red\n", "field colour not found"},
		{"tables:\n  - name: t\n    key: id\n    kind: k\n    erase: shred\n", `table "t": erase is not "delete" or "anonymize"`},
		{"tables:\n  - {name: c, key: id, kind: k, tenant: org}\n  - {name: o, key: id, kind: o, references: [{column: c_id, table: c}]}\n", `table "o": has no tenant column while table "c" is tenant-scoped`},
	} {
		if _, err := adapterconfig.ParseMap(strings.NewReader(c.text)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one containing %q", c.text, err, c.want)
		}
	}
}

// FuzzParseMap: any data map text gives a map or an error, never a panic,
// and a map that parses also checks or fails its check cleanly.
func FuzzParseMap(f *testing.F) {
	f.Add([]byte("tables:\n  - name: contacts\n    key: id\n    kind: externalContact\n    subject: true\n    columns:\n      - {name: email, term: EMAIL}\n"))
	f.Add([]byte("tables:\n  - name: a\n    key: id\n    kind: k\n    references: [{column: b_id, table: b}]\n  - name: b\n    key: id\n    kind: k\n    references: [{column: a_id, table: a}]\n"))
	f.Add([]byte(`{"tables":[{"name":"t","key":"id","kind":"k","erase":"anonymize"}]}`))
	f.Add([]byte("tenants: {org-a: \"1\", org-b: \"2\"}\ntables:\n  - name: contacts\n    key: id\n    kind: externalContact\n    subject: true\n    tenant: org_id\n    columns:\n      - {name: email, term: EMAIL}\n  - name: orders\n    key: id\n    kind: order\n    tenant: org_id\n    references: [{column: contact_id, table: contacts}]\n"))
	f.Add([]byte("tables:\n  - name: contacts\n    key: id\n    kind: k\n    subject: true\n    tenant: org_id\n    columns: [{name: email, term: EMAIL}]\n  - name: orders\n    key: id\n    kind: order\n    references: [{column: contact_id, table: contacts}]\n"))
	f.Add([]byte("tenants: {a: x, b: x}\ntables: [{name: t, key: id, kind: k, tenant: org}]\n"))
	f.Add([]byte("tables: [[[["))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := adapterconfig.ParseMap(bytes.NewReader(data))
		if err != nil || m == nil {
			return
		}
		_ = m.Check()
		// A map that parses is tenant-scoped in every table or in none.
		scoped := 0
		for _, tb := range m.Tables {
			if tb.Tenant != "" {
				scoped++
			}
		}
		if scoped != 0 && scoped != len(m.Tables) {
			t.Errorf("a map with %d of %d tables tenant-scoped parsed", scoped, len(m.Tables))
		}
	})
}
