package gdpr

import "context"

type orgKey struct{}

// WithOrganization returns a context that acts for the organization id.
// Services that hold several organizations' requests scope every call to
// the organization on its context; a context without one acts for the
// default organization "".
func WithOrganization(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, orgKey{}, id)
}

// Organization returns the organization id put on ctx by WithOrganization,
// or "" when there is none.
func Organization(ctx context.Context) string {
	id, _ := ctx.Value(orgKey{}).(string)
	return id
}
