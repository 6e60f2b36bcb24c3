package sqladapter

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/gdprkit/gdpr/adapter"
)

// Scoped reports whether the map's tables name tenant columns: an
// adapter over it is tenant-scoped.
func (m *Map) Scoped() bool {
	for _, t := range m.Tables {
		if t.Tenant != "" {
			return true
		}
	}
	return false
}

// checkTenancy refuses a map whose tables are tenant-scoped in part (a
// linked table without a tenant column would be reached across
// organizations), tenant values without tenant columns, and tenant
// values that would mix organizations.
func (m *Map) checkTenancy(bad func(t, c, f string, a ...any)) {
	var scoped []string
	for _, t := range m.Tables {
		if t.Tenant != "" {
			scoped = append(scoped, t.Name)
		}
	}
	if len(scoped) == 0 {
		if len(m.Tenants) > 0 {
			bad("", "", "tenants maps organizations to tenant values, but no table names its tenant column: add tenant: COLUMN to every table, or remove tenants")
		}
		return
	}
	for i := range m.Tables {
		t := &m.Tables[i]
		if t.Name == "" {
			continue
		}
		if t.Tenant == "" {
			what := "table"
			if !t.Subject {
				what = "linked table"
			}
			bad(t.Name, "", "has no tenant column while %s %s %s tenant-scoped: a %s without one would be reached across organizations; name the column that holds each row's organization (tenant: COLUMN)",
				tableTables(len(scoped)), quoteList(scoped), isAre(len(scoped)), what)
			continue
		}
		if t.Tenant == t.Key || t.Tenant == t.AnonymizedColumn || t.Tenant == t.KindColumn {
			bad(t.Name, t.Tenant, "the tenant column cannot also be the key, the kind column or the anonymized column")
		}
		for _, c := range t.Columns {
			if c.Name != t.Tenant {
				continue
			}
			if c.Term != "" {
				bad(t.Name, c.Name, "the tenant column cannot hold a term")
			}
			if c.Anonymize != "" && c.Anonymize != AnonymizeKeep {
				bad(t.Name, c.Name, "the tenant column must be kept on anonymization (anonymize: keep), or the row would leave its organization")
			}
		}
		for _, r := range t.References {
			if r.Column == t.Tenant {
				bad(t.Name, r.Column, "the tenant column cannot be a reference")
			}
		}
	}
	owner := make(map[string]string, len(m.Tenants))
	for _, org := range slices.Sorted(mapsKeys(m.Tenants)) {
		v := m.Tenants[org]
		switch {
		case strings.TrimSpace(org) == "":
			bad("", "", "tenants: an organization id is empty")
		case strings.TrimSpace(v) == "":
			bad("", "", "tenants: organization %q has an empty tenant value", org)
		case owner[v] != "":
			bad("", "", "tenants: organizations %q and %q have the same tenant value: each organization needs its own, or their data would mix", owner[v], org)
		default:
			owner[v] = org
		}
	}
}

func mapsKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func tableTables(n int) string {
	if n == 1 {
		return "table"
	}
	return "tables"
}

// TenantScoped reports whether the map names tenant columns: every call
// then touches only the rows of the organization on its context.
func (a *Adapter) TenantScoped() bool { return a.scoped }

var _ adapter.TenantScoped = (*Adapter)(nil)

// tenantKey carries a call's tenant value on its context, within the
// adapter.
type tenantKey struct{}

// scope returns ctx carrying the tenant value a call of op acts for, and
// false when the organization on ctx holds nothing here (Tenants does not
// list it). A tenant-scoped adapter refuses a context without an
// organization with an error matching adapter.ErrNoOrganization; any
// other returns ctx as it is.
func (a *Adapter) scope(ctx context.Context, op string) (context.Context, bool, error) {
	if !a.scoped {
		return ctx, true, nil
	}
	org, err := adapter.Organization(ctx, "sqladapter: "+op)
	if err != nil {
		return ctx, false, err
	}
	v := org
	if a.tenants != nil {
		var ok bool
		if v, ok = a.tenants[org]; !ok {
			return ctx, false, nil
		}
	}
	return context.WithValue(ctx, tenantKey{}, v), true, nil
}

// tenantCond is the condition that keeps a statement on t to the call's
// tenant, its value bound in ar; "" when t has no tenant column. A
// tenant-scoped statement without a tenant on ctx matches nothing.
func (a *Adapter) tenantCond(ctx context.Context, t *table, ar *args) string {
	if t.tenant < 0 {
		return ""
	}
	v, ok := ctx.Value(tenantKey{}).(string)
	if !ok {
		return " AND 1 = 0"
	}
	c := t.cols[t.tenant]
	return " AND " + a.d.ident(c.Name) + " = " + ar.add(typed(c.Cat, v))
}

// compileTenant checks t's tenant column against the live schema and the
// map's tenant values.
func (a *Adapter) compileTenant(m *Map, t *table, bad func(col, format string, args ...any)) {
	t.tenant = -1
	if t.m.Tenant == "" {
		return
	}
	i, ok := t.idx[t.m.Tenant]
	if !ok {
		bad(t.m.Tenant, "does not exist in the database")
		return
	}
	t.tenant = i
	c := t.cols[i]
	text := c.Cat == catText || c.Cat == catAny
	if len(m.Tenants) == 0 {
		if !text {
			bad(c.Name, "the tenant column has type %s, which cannot hold organization ids: map each organization to its tenant value (tenants:)", c.DataType)
		}
		return
	}
	for _, org := range slices.Sorted(mapsKeys(m.Tenants)) {
		if why := fits(c, AnonymizeFixed, m.Tenants[org]); why != "" {
			bad(c.Name, "the tenant value of organization %q does not fit: %s", org, why)
		}
	}
}
