package processor

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gdprkit/gdpr/adapter"
)

// WithOrganizationAdapters lists adapters that hold org's data alone (a
// database per customer, say): org's requests and searches reach them,
// besides the adapters given to New, and no other organization's ever
// does. org "" is the default organization, that of calls whose context
// names none. It may be given once per organization, for as many as
// there are. An adapter's name must be unique among New's adapters and
// org's own; two organizations may each have an adapter of the same
// name.
//
// The adapters given to New are reached by every organization: each
// must be tenant-scoped (adapter.TenantScoped: it keeps organizations
// apart itself) or hold data no organization owns.
func WithOrganizationAdapters(org string, adapters ...adapter.Adapter) Option {
	return func(c *config) error {
		if strings.TrimSpace(org) != org {
			return fmt.Errorf("WithOrganizationAdapters: organization %q has spaces around it", org)
		}
		if len(adapters) == 0 {
			return fmt.Errorf("WithOrganizationAdapters: organization %q: no adapters", org)
		}
		if _, dup := c.orgAdapters[org]; dup {
			return fmt.Errorf("WithOrganizationAdapters: organization %q is listed twice; list its adapters once", org)
		}
		for i, a := range adapters {
			if a == nil {
				return fmt.Errorf("WithOrganizationAdapters: organization %q: adapter %d is nil", org, i)
			}
		}
		if c.orgAdapters == nil {
			c.orgAdapters = make(map[string][]adapter.Adapter)
		}
		c.orgAdapters[org] = append([]adapter.Adapter(nil), adapters...)
		return nil
	}
}

// adaptersFor returns the adapters a request of org reaches: the shared
// ones given to New, then org's own, in order.
func (p *Processor) adaptersFor(org string) []adapter.Adapter {
	own := p.cfg.orgAdapters[org]
	if len(own) == 0 {
		return p.adapters
	}
	return append(p.adapters[:len(p.adapters):len(p.adapters)], own...)
}

// tenancy says how a, reached by org, keeps organizations apart, as
// adapter.Description.Tenancy does; "" for a shared adapter that is not
// tenant-scoped, which the processor cannot tell from one holding data
// no organization owns.
func (p *Processor) tenancy(org string, a adapter.Adapter) string {
	if adapter.IsTenantScoped(a) {
		return "tenant-scoped"
	}
	if slices.ContainsFunc(p.cfg.orgAdapters[org], func(x adapter.Adapter) bool { return x.Name() == a.Name() }) {
		return "organization " + org
	}
	return ""
}

// checkNames refuses an empty adapter name, and a name used twice among
// the adapters of one organization.
func checkNames(shared []adapter.Adapter, orgs map[string][]adapter.Adapter) error {
	seen := map[string]bool{}
	for i, a := range shared {
		if a == nil {
			return fmt.Errorf("adapter %d is nil", i)
		}
		n := a.Name()
		if n == "" {
			return fmt.Errorf("adapter %d has an empty name", i)
		}
		if seen[n] {
			return fmt.Errorf("two adapters are named %q; names must be unique", n)
		}
		seen[n] = true
	}
	for org, as := range orgs {
		own := map[string]bool{}
		for i, a := range as {
			n := a.Name()
			switch {
			case n == "":
				return fmt.Errorf("organization %q: adapter %d has an empty name", org, i)
			case seen[n]:
				return fmt.Errorf("organization %q: adapter %q has the name of an adapter every organization reaches; names must be unique within an organization", org, n)
			case own[n]:
				return fmt.Errorf("organization %q: two adapters are named %q; names must be unique", org, n)
			}
			own[n] = true
		}
	}
	return nil
}
