package processor

import (
	"context"

	"github.com/gdprkit/gdpr/adapter"
)

// RetentionPolicy decides which records survive an erasure because the law
// or a legitimate interest requires keeping them. Retained records are
// reported on the request's step with their basis, never skipped silently.
// Implementations must be safe for concurrent use.
type RetentionPolicy interface {
	// Retain reports whether rec, held by the named adapter, must be kept,
	// and the legal basis for keeping it. An error means it cannot tell
	// now; the erasure then waits and is retried, never guessed.
	Retain(ctx context.Context, adapter string, rec adapter.Record) (basis string, keep bool, err error)
}

// RetainNothing is the policy that keeps nothing.
type RetainNothing struct{}

// Retain always answers false.
func (RetainNothing) Retain(context.Context, string, adapter.Record) (string, bool, error) {
	return "", false, nil
}

// EmployeeBasis is the basis CurrentEmployees records.
const EmployeeBasis = "GDPR Art. 6(1)(f) legitimate interests: work identity of a current employee, needed for the systems they work in"

// CurrentEmployees keeps the work identity of current employees, as the
// reference document advises: a record of kind Kind (default "user") whose
// field Field (default "employment") equals Value (default "current").
type CurrentEmployees struct {
	Kind, Field, Value string
}

// Retain keeps the records of current employees with EmployeeBasis.
func (p CurrentEmployees) Retain(_ context.Context, _ string, rec adapter.Record) (string, bool, error) {
	kind, field, value := p.Kind, p.Field, p.Value
	if kind == "" {
		kind = "user"
	}
	if field == "" {
		field = "employment"
	}
	if value == "" {
		value = "current"
	}
	if rec.Kind == kind && rec.Fields[field] == value {
		return EmployeeBasis, true, nil
	}
	return "", false, nil
}

// Policies combines policies: a record is kept by the first that keeps it.
type Policies []RetentionPolicy

// Retain asks each policy in turn; the first error ends it.
func (ps Policies) Retain(ctx context.Context, adapter string, rec adapter.Record) (string, bool, error) {
	for _, p := range ps {
		basis, keep, err := p.Retain(ctx, adapter, rec)
		if err != nil || keep {
			return basis, keep, err
		}
	}
	return "", false, nil
}
