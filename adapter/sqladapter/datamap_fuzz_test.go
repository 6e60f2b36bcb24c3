package sqladapter_test

import (
	"bytes"
	"testing"

	"github.com/gdprkit/gdpr/adapter/sqladapter"
)

// FuzzParseMap: any data map text gives a map or an error, never a panic,
// and a map that parses also checks or fails its check cleanly.
func FuzzParseMap(f *testing.F) {
	f.Add([]byte("tables:\n  - name: contacts\n    key: id\n    kind: externalContact\n    subject: true\n    columns:\n      - {name: email, term: EMAIL}\n"))
	f.Add([]byte("tables:\n  - name: a\n    key: id\n    kind: k\n    references: [{column: b_id, table: b}]\n  - name: b\n    key: id\n    kind: k\n    references: [{column: a_id, table: a}]\n"))
	f.Add([]byte(`{"tables":[{"name":"t","key":"id","kind":"k","erase":"anonymize"}]}`))
	f.Add([]byte("tables: [[[["))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := sqladapter.ParseMap(bytes.NewReader(data))
		if err != nil || m == nil {
			return
		}
		_ = m.Check()
	})
}
