package adapterconfig

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gdprkit/gdpr/adapter"
)

// Tenancy is how one adapter serves a server with clients of several
// organizations. An adapter is exactly one of:
//
//   - tenant-scoped: it keeps organizations apart itself, by the
//     organization on each call (a data map naming tenant columns; a
//     remote service with tenantScoped: true). Every organization
//     reaches it, and sees only its own records.
//   - listed under one organization (organization: ORG): it holds that
//     organization's data alone, and only that organization reaches it.
//   - shared (shared: true): it holds data no organization owns, and
//     every organization reaches all of it.
//
// An adapter that is none of these is fine while every client belongs to
// one organization; gdpr serve refuses to start with clients of several.
type Tenancy struct {
	Organization string
	Shared       bool
}

// Tenancy returns how the file places the adapter named name; the zero
// Tenancy for a name the file does not list.
func (c *File) Tenancy(name string) Tenancy {
	for _, s := range c.SQL {
		if s.Name == name {
			return Tenancy{Organization: s.Organization, Shared: s.Shared}
		}
	}
	for _, r := range c.Remote {
		if r.Name == name {
			return Tenancy{Organization: r.Organization, Shared: r.Shared}
		}
	}
	for _, r := range c.API {
		if r.Name == name {
			return Tenancy{Organization: r.Organization, Shared: r.Shared}
		}
	}
	return Tenancy{}
}

// check refuses an entry that is placed two ways at once.
func (t Tenancy) check(scoped bool) error {
	switch {
	case t.Organization != "" && t.Shared:
		return errors.New("give organization or shared: true, not both: an adapter listed under one organization is not shared by all")
	case scoped && t.Shared:
		return errors.New("shared: true on a tenant-scoped adapter: it keeps organizations apart already; remove shared")
	case t.Organization != "" && strings.TrimSpace(t.Organization) != t.Organization:
		return fmt.Errorf("organization %q has spaces around it", t.Organization)
	}
	return nil
}

// Describe says how a is placed, for gdpr inventory: "tenant-scoped",
// "organization ORG", "shared" or "not scoped".
func (t Tenancy) Describe(a adapter.Adapter) string {
	switch {
	case t.Organization != "":
		return "organization " + t.Organization
	case adapter.IsTenantScoped(a):
		return "tenant-scoped"
	case t.Shared:
		return "shared"
	}
	return "not scoped"
}
