package gdpr

import "context"

type orgKey struct{}

// ContextWithOrganization returns a copy of ctx that acts for the
// organization id. Services that hold several organizations' requests
// scope every call to the organization on its context; a context without
// one acts for the default organization "".
func ContextWithOrganization(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, orgKey{}, id)
}

// OrganizationFromContext returns the organization id put on ctx by
// ContextWithOrganization, or "" when there is none.
func OrganizationFromContext(ctx context.Context) string {
	id, _ := ctx.Value(orgKey{}).(string)
	return id
}
