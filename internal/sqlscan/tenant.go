package sqlscan

import (
	"github.com/gdprkit/gdpr/adapter/sqladapter"
	"github.com/gdprkit/gdpr/internal/sqlschema"
)

// tenant is the tenant filter of one table's samples: its tenant column
// and the organization's value there, or none.
type tenant struct {
	col, value string
}

// tenantOf returns the filter of table mt for org: none when org is "" or
// mt names no tenant column; the organization's tenant value (its entry
// in the map's tenants, else its id) otherwise.
func tenantOf(m *sqladapter.Map, mt *sqladapter.Table, org string) tenant {
	if org == "" || mt == nil || mt.Tenant == "" {
		return tenant{}
	}
	v := org
	if len(m.Tenants) > 0 {
		var ok bool
		if v, ok = m.Tenants[org]; !ok {
			return tenant{col: mt.Tenant, value: ""} // the organization holds nothing here
		}
	}
	return tenant{col: mt.Tenant, value: v}
}

// where adds the filter to cond, the value bound as the one parameter.
func (t tenant) where(d sqlschema.Dialect, cond string) (string, []any) {
	if t.col == "" {
		return cond, nil
	}
	if t.value == "" {
		return cond + " AND 1 = 0", nil
	}
	ph := "?"
	if d == sqlschema.Postgres {
		ph = "$1"
	}
	return cond + " AND " + d.Quote(t.col) + " = " + ph, []any{t.value}
}
