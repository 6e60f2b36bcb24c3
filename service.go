package gdpr

import "context"

// Service is the GDPR API: search the subjects a term matches, and create,
// get and list requests. The HTTP client and the embedded processor both
// implement it, so code written against Service runs against either.
//
// Implementations are safe for concurrent use. Every method honours ctx.
// Errors about the caller's input or a missing request are *APIError values
// that match the sentinels of this package with errors.Is.
type Service interface {
	// SearchSubjects returns every subject whose data matches value taken
	// as a term of type t. No match is an empty slice and a nil error.
	SearchSubjects(ctx context.Context, t Kind, value string) ([]Subject, error)

	// CreateRequest validates spec and accepts the request for processing.
	// It returns at once with the request at INITIATED; processing is
	// asynchronous. Poll GetRequest to follow it.
	CreateRequest(ctx context.Context, spec RequestSpec) (*Request, error)

	// GetRequest returns the request with the given id, or an error
	// matching ErrNotFound.
	GetRequest(ctx context.Context, id string) (*Request, error)

	// ListRequests returns one page of the organization's requests, newest
	// first.
	ListRequests(ctx context.Context, opts ListOptions) (*RequestEntityListing, error)
}

// RequestSpec is what a caller asks for when creating a request.
type RequestSpec struct {
	// Name is an optional label for the request, kept on it.
	Name string
	// Type is the kind of request: export, update or delete. Required.
	Type RequestType
	// Subject carries exactly one search term: one name, address, phone,
	// email, social handle, external id, journey customer, userId,
	// externalContactId or dialerContactId. Send one request per term.
	Subject Subject
	// ReplacementTerms says what to change; required for GDPR_UPDATE and
	// rejected on the other types.
	ReplacementTerms []ReplacementTerm
	// DeleteConfirmed must be true for GDPR_DELETE: the caller has
	// searched the subjects the term matches and accepts that all of them
	// are erased.
	DeleteConfirmed bool
	// IdempotencyKey, when set, makes creation safe to repeat: the same
	// key with the same spec returns the request created first, and the
	// same key with a different spec fails with ErrConflict.
	IdempotencyKey string
}

// ListOptions selects one page of requests. Zero values take the wire
// defaults: page size 25, page number 1.
type ListOptions struct {
	PageSize   int
	PageNumber int
}

// Wire defaults and bounds of paging.
const (
	defaultPageSize = 25
	MaxPageSize     = 500
)

// Normalize returns o with zero fields set to the wire defaults, or an
// error naming the field that is out of range.
func (o ListOptions) Normalize() (ListOptions, error) {
	if o.PageSize == 0 {
		o.PageSize = defaultPageSize
	}
	if o.PageNumber == 0 {
		o.PageNumber = 1
	}
	if o.PageSize < 1 || o.PageSize > MaxPageSize {
		return o, NewFieldError(400, CodeInvalidQueryParamValue, "pageSize",
			"pageSize must be between 1 and %d", MaxPageSize)
	}
	if o.PageNumber < 1 {
		return o, NewFieldError(400, CodeInvalidQueryParamValue, "pageNumber",
			"pageNumber must be 1 or more")
	}
	return o, nil
}
