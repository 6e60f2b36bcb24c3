package memadapter

import (
	"context"

	"github.com/gdprkit/gdpr/adapter"
)

// TenantScoped reports whether the adapter was made WithTenantScope: every
// call then touches only the records of the organization on its context.
func (a *Adapter) TenantScoped() bool { return a.tenant }

// org returns the organization a call of op acts for: the one on ctx for
// a tenant-scoped adapter (an error matching adapter.ErrNoOrganization
// when there is none), "" for any other.
func (a *Adapter) org(ctx context.Context, op string) (string, error) {
	if !a.tenant {
		return "", nil
	}
	return adapter.Organization(ctx, "memadapter: "+op)
}

// orgDefect says what is wrong with a person's organization, or "".
func (a *Adapter) orgDefect(org string) string {
	switch {
	case a.tenant && org == "":
		return "is required: the adapter is tenant-scoped (WithTenantScope), so every person names the organization that owns it"
	case !a.tenant && org != "":
		return "names an organization, but the adapter is not tenant-scoped: make it with WithTenantScope to hold several organizations' data"
	}
	return ""
}

var _ adapter.TenantScoped = (*Adapter)(nil)
