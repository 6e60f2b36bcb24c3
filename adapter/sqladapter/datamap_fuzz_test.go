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
	f.Add([]byte(`{"tables":[[[[`))
	f.Add([]byte(`{"tables":[]} {}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := sqladapter.ParseMap(bytes.NewReader(data))
		if err != nil || m == nil {
			return
		}
		_ = m.Check()
	})
}
