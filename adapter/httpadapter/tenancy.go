package httpadapter

import "github.com/gdprkit/gdpr/adapter"

// WithTenantScope declares that the service holds several organizations'
// data and keeps them apart by the organization each call carries: the
// Adapter then reports itself tenant-scoped (adapter.TenantScoped) and
// refuses, without calling, a call whose context names no organization
// (an error matching adapter.ErrNoOrganization). Every call carries the
// organization on its context, with or without this option.
func WithTenantScope() Option {
	return func(c *config) error {
		c.tenant = true
		return nil
	}
}

// TenantScoped reports whether the Adapter was made WithTenantScope.
func (a *Adapter) TenantScoped() bool { return a.cfg.tenant }

var _ adapter.TenantScoped = (*Adapter)(nil)
