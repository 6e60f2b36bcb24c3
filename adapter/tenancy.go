package adapter

import (
	"context"
	"errors"
	"fmt"

	"github.com/gdprkit/gdpr"
)

// ErrNoOrganization, wrapped, is returned by a tenant-scoped adapter
// called with a context that names no organization. The call changed
// nothing and returned nothing; put the organization on the context with
// gdpr.ContextWithOrganization.
var ErrNoOrganization = errors.New("no organization on the context: this adapter holds several organizations' data and acts for one at a time")

// TenantScoped is implemented by adapters that can say whether they hold
// several organizations' data and keep them apart by the organization on
// each call's context. A program serving several organizations from one
// engine (gdpr serve) needs every adapter to be tenant-scoped, listed
// under one organization or explicitly shared; it asks this interface
// for the first.
type TenantScoped interface {
	// TenantScoped reports whether every call touches only the records of
	// the organization on its context and refuses a call without one.
	TenantScoped() bool
}

// IsTenantScoped reports whether a implements TenantScoped and says it is.
func IsTenantScoped(a Adapter) bool {
	ts, ok := a.(TenantScoped)
	return ok && ts.TenantScoped()
}

// Organization returns the organization on ctx, or an error matching
// ErrNoOrganization, prefixed with op, when there is none: the first
// line of every call of a tenant-scoped adapter.
func Organization(ctx context.Context, op string) (string, error) {
	org := gdpr.OrganizationFromContext(ctx)
	if org == "" {
		return "", fmt.Errorf("%s: %w", op, ErrNoOrganization)
	}
	return org, nil
}
