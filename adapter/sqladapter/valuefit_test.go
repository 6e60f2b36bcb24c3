package sqladapter_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/sqladapter"
)

const idMap = "tables:\n  - name: accounts\n    key: id\n    kind: user\n    subject: true\n    columns:\n      - {name: id, term: USER_ID}\n      - {name: email, term: EMAIL}\n"

// piiTerms look like personal data and cannot be values of a uuid or an
// integer column.
var piiTerms = []string{"jane.doe@example.com", "Jane O'Doe", "+44 20 7946 0958"}

// An id term that cannot be a value of its column's type (an email sent
// as a userId to a uuid or integer column) matches nothing, on every
// database, and no error carries it.
func TestIDTermOfAnotherTypeMatchesNothing(t *testing.T) {
	forEachDB(t, func(t *testing.T, tdb testDB) {
		d := tdb.Dialect
		db, schema := tdb.Fresh(t)
		idType := "INTEGER"
		id := any(42)
		if d == sqladapter.Postgres {
			idType, id = "uuid", "6f1c2a9e-5b7d-4e8a-9c3f-0d2b4a6e8f10"
		}
		mustExec(t, db, "CREATE TABLE "+qt(d, schema, "accounts")+" (id "+idType+" PRIMARY KEY, email VARCHAR(200))")
		insert(t, db, d, qt(d, schema, "accounts"), []string{"id", "email"}, []any{id, "someone@example.com"})
		m, err := parseYAMLMap(idMap)
		if err != nil {
			t.Fatal(err)
		}
		m.Schema = schema
		a, err := sqladapter.Open(t.Context(), "billing", db, d, m)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		for _, v := range piiTerms {
			term := gdpr.Term{Kind: gdpr.KindUserID, Value: v}
			got, err := a.Search(t.Context(), term)
			if err != nil || len(got) != 0 {
				t.Errorf("Search %q: %v, %v; want nothing and no error", v, got, err)
			}
			_, err = a.Resolve(t.Context(), term)
			if !errors.Is(err, gdpr.ErrNotFound) || strings.Contains(err.Error(), v) {
				t.Errorf("Resolve %q: %v; want not found, without the value", v, err)
			}
			n := 0
			err = a.Export(t.Context(), adapter.Op{ID: "op-" + v, RequestID: "r-1"}, []gdpr.Term{term}, func(adapter.Record) error { n++; return nil })
			if err != nil || n != 0 {
				t.Errorf("Export %q: %d records, %v; want none and no error", v, n, err)
			}
		}
		got, err := a.Search(t.Context(), gdpr.Term{Kind: gdpr.KindUserID, Value: fmt.Sprint(id)})
		if err != nil || len(got) != 1 {
			t.Errorf("Search by the real id: %v, %v; want the account", got, err)
		}
	})
}
