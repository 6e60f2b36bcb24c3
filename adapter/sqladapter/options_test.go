package sqladapter_test

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr/adapter/sqladapter"
)

const oneTableMap = "tables:\n  - name: contacts\n    key: id\n    kind: externalContact\n    subject: true\n    columns:\n      - {name: phone, term: PHONE}\n"

// TestOptionErrors checks that a bad option value stops Open, before it
// touches the database, with an error naming the option and saying what
// to give instead.
func TestOptionErrors(t *testing.T) {
	t.Parallel()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, err := parseYAMLMap(oneTableMap)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		opt  sqladapter.Option
		says []string
	}{
		{"phone region unknown", sqladapter.WithPhoneRegion("XX"), []string{"sqladapter: WithPhoneRegion", `"XX"`, `such as "GB"`}},
		{"phone region three letters", sqladapter.WithPhoneRegion("GBR"), []string{"WithPhoneRegion", "E.164 numbers only"}},
		{"hash key", sqladapter.WithHashKey([]byte("short")), []string{"WithHashKey", "16 bytes"}},
		{"operations table", sqladapter.WithOperationsTable(" "), []string{"WithOperationsTable", "empty"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := sqladapter.Open(t.Context(), "crm", db, sqladapter.SQLite, m, c.opt)
			if err == nil {
				t.Fatal("Open: no error")
			}
			for _, s := range c.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
		})
	}
}

// TestMapRegion checks that a data map's region is held to the same rule
// as WithPhoneRegion.
func TestMapRegion(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ region, says string }{
		{"", ""},
		{"gb", ""},
		{"XX", `map: region: phone region "XX"`},
	} {
		m, err := parseYAMLMap("region: \"" + c.region + "\"\n" + oneTableMap)
		if err == nil {
			err = m.Check()
		}
		switch {
		case c.says == "" && err != nil:
			t.Errorf("region %q: %v", c.region, err)
		case c.says != "" && (err == nil || !strings.Contains(err.Error(), c.says)):
			t.Errorf("region %q: error %v; want one saying %q", c.region, err, c.says)
		}
	}
}
