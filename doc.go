// Package gdpr answers GDPR data subject requests: Article 15 access and
// export, Article 16 rectification and Article 17 erasure.
//
// One interface, [Service], is the contract every part of gdprkit meets at:
// search the subjects a term matches, create a request, get it, list them.
// It is the GDPR API of Genesys Cloud (/api/v2/gdpr/...) as a Go interface.
// The embeddable reference engine in package processor implements it over
// the operator's own data stores; code written against Service runs
// unchanged against any implementation, such as an HTTP client of the
// hosted API.
//
// # Types
//
// The types of this package are the wire models of the GDPR API with their
// exact JSON names: [Subject], [Request], [ReplacementTerm],
// [DomainEntityRef], the entity listings and [ErrorBody]. Extra fields that
// the reference engine adds (the per-adapter [Step]s, the due date, the
// erasure [Verification]) are extra JSON fields, ignored by clients that do
// not know them.
//
// # Errors
//
// Every failure a Service reports for bad input or a missing request is an
// [*APIError] carrying the wire [ErrorBody]: its HTTP status, its code
// (such as "invalid.property") and a message that says what to do next.
// Match the class of error with errors.Is against the sentinels
// ([ErrBadRequest], [ErrNotFound], [ErrConflict], ...), or read the body
// with errors.As.
//
// # Organizations
//
// Requests belong to an organization. Code that serves several
// organizations from one Service puts the caller's organization on the
// context with [WithOrganization]; nothing of one organization is visible to
// another.
//
// The package imports only the standard library, so importing it stays
// light: drivers and heavier libraries live in the packages that need them.
package gdpr
