package console

import (
	"context"
	"errors"
	"fmt"

	"github.com/gdprkit/gdpr"
)

// Budget is an organization's rate budget, shared with the GDPR API:
// *server.Server implements it (server.Server.WaitBudget).
type Budget interface {
	// WaitBudget takes one call from org's budget, waiting until it
	// allows one, or returns ctx's error.
	WaitBudget(ctx context.Context, org string) error
}

// WithRateBudget makes the console's subject searches and request
// creations draw on b, the organization's budget of the API (give the
// *server.Server the console is mounted beside), so that a DSR with
// many identifiers runs at the organization's rate, waiting its turn,
// rather than past it; a DSR whose searches take longer than a moment
// shows their progress until they end. Without it the console is not
// rate-limited.
func WithRateBudget(b Budget) Option {
	return func(c *Console) error {
		if b == nil {
			return errors.New("rate budget is nil")
		}
		c.budget = b
		return nil
	}
}

// DefaultMaxIdentifiers is how many identifiers one DSR form may hold by
// default.
const DefaultMaxIdentifiers = 50

// WithMaxIdentifiers sets how many identifiers one DSR form may hold
// (default DefaultMaxIdentifiers): each is a subject search, and a form
// past the cap is refused with a message that says so.
func WithMaxIdentifiers(n int) Option {
	return func(c *Console) error {
		if n < 1 {
			return fmt.Errorf("max identifiers %d is under 1", n)
		}
		c.maxIDs = n
		return nil
	}
}

// budgeted is the console's service: the processor, with searches and
// creations drawing on the organization's budget first.
type budgeted struct {
	Processor
	b Budget
}

// service returns the service a DSR runs on.
func (c *Console) service() gdpr.Service {
	if c.budget == nil {
		return c.proc
	}
	return budgeted{Processor: c.proc, b: c.budget}
}

func (s budgeted) SearchSubjects(ctx context.Context, kind gdpr.Kind, value string) ([]gdpr.Subject, error) {
	if err := s.b.WaitBudget(ctx, gdpr.OrganizationFromContext(ctx)); err != nil {
		return nil, fmt.Errorf("console: waiting for the organization's rate: %w", err)
	}
	return s.Processor.SearchSubjects(ctx, kind, value)
}

func (s budgeted) CreateRequest(ctx context.Context, spec gdpr.RequestSpec) (*gdpr.Request, error) {
	if err := s.b.WaitBudget(ctx, gdpr.OrganizationFromContext(ctx)); err != nil {
		return nil, fmt.Errorf("console: waiting for the organization's rate: %w", err)
	}
	return s.Processor.CreateRequest(ctx, spec)
}
