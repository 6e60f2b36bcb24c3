package sqladapter_test

import (
	"strings"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter/sqladapter"
)

func TestParseMapJSON(t *testing.T) {
	m, err := sqladapter.ParseMap(strings.NewReader(`{"region": "GB", "tables": [
		{"name": "contacts", "key": "id", "kind": "externalContact", "subject": true,
		 "columns": [{"name": "email", "term": "EMAIL", "normalized": "email_norm"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if c := m.Tables[0].Columns[0]; m.Region != "GB" || c.Term != gdpr.KindEmail || c.Normalized != "email_norm" {
		t.Errorf("map: %+v", m)
	}
	for _, c := range []struct{ text, want string }{
		{``, "the map is empty"},
		{`{"tables": [{"name": "t", "key": "id", "kind": "k", "colour": "red"}]}`, `unknown field "colour"`},
		{`{"tables": [{"name": "t", "key": "id", "kind": "k"}]} {}`, "data after the map"},
		{`{"tables": [{"name": "t", "kind": "k"}]}`, `table "t": key is required`},
		{"tables:\n  - name: t\n", "invalid character"},
	} {
		if _, err := sqladapter.ParseMap(strings.NewReader(c.text)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one containing %q", c.text, err, c.want)
		}
	}
}
