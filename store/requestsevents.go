package store

import "context"

// RequestsEventer is a Store that reads the audit events of many requests
// of one organization at once, as package evidence does when it makes
// the receipts of every request a checkpoint covers. It is optional;
// sqlstore implements it, and without it each request's events are read
// through RequestEventer.
type RequestsEventer interface {
	// RequestsEvents returns the organization's events whose RequestID is
	// one of ids, by RequestID, each request's in Seq order; a request
	// without events has no entry, which is no error.
	RequestsEvents(ctx context.Context, org string, ids []string) (map[string][]Event, error)
}
