package adapter

import (
	"context"

	"github.com/gdprkit/gdpr"
)

// Checker is an Adapter whose Export is slow or asynchronous, such as a
// remote GDPR API's, and that can tell cheaply what of a subject it still
// holds. It is optional: the processor verifies an erasure with Check
// when an adapter has it, and with Export otherwise.
type Checker interface {
	// Check calls emit once for every record that terms still find, as
	// Erase would have passed it to its KeepFunc, so that the retention
	// policy recognises the records it kept. It changes nothing.
	Check(ctx context.Context, terms []gdpr.Term, emit func(Record) error) error
}
