package sqladapter_test

import (
	"bytes"
	"testing"

	"github.com/gdprkit/gdpr/adapter/sqladapter"
)

// FuzzParseMap: any data map text gives a map or an error, never a panic,
// and a map that parses also checks or fails its check cleanly.
func FuzzParseMap(f *testing.F) {
	f.Add([]byte(`{"tables":[{"name":"contacts","key":"id","kind":"externalContact","subject":true,"columns":[{"name":"email","term":"EMAIL"}]}]}`))
	f.Add([]byte(`{"tables":[{"name":"a","key":"id","kind":"k","references":[{"column":"b_id","table":"b"}]},{"name":"b","key":"id","kind":"k","references":[{"column":"a_id","table":"a"}]}]}`))
	f.Add([]byte(`{"tables":[{"name":"t","key":"id","kind":"k","erase":"anonymize"}]}`))
	f.Add([]byte(`{"tenants":{"org-a":"1","org-b":"2"},"tables":[{"name":"c","key":"id","kind":"k","subject":true,"tenant":"org_id","columns":[{"name":"email","term":"EMAIL"}]},{"name":"o","key":"id","kind":"o","tenant":"org_id","references":[{"column":"c_id","table":"c"}]}]}`))
	f.Add([]byte(`{"tables":[{"name":"c","key":"id","kind":"k","subject":true,"tenant":"org_id","columns":[{"name":"email","term":"EMAIL"}]},{"name":"o","key":"id","kind":"o","references":[{"column":"c_id","table":"c"}]}]}`))
	f.Add([]byte(`{"tenants":{"":"1","b":"1"},"tables":[{"name":"t","key":"id","kind":"k","tenant":"id"}]}`))
	f.Add([]byte(`{"tables":[[[[`))
	f.Add([]byte(`{"tables":[]} {}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := sqladapter.ParseMap(bytes.NewReader(data))
		if err != nil || m == nil {
			return
		}
		_ = m.Check()
		// A map that checks is tenant-scoped in every table or in none.
		scoped := 0
		for _, tb := range m.Tables {
			if tb.Tenant != "" {
				scoped++
			}
		}
		if scoped != 0 && scoped != len(m.Tables) {
			t.Errorf("a map with %d of %d tables tenant-scoped passed its check", scoped, len(m.Tables))
		}
		if len(m.Tenants) > 0 && scoped == 0 {
			t.Error("a map with tenant values and no tenant column passed its check")
		}
	})
}
