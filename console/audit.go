package console

import (
	"context"
	"sync"
	"time"

	"github.com/gdprkit/gdpr/store"
)

// fullAuditEvery is how often the console checks an organization's whole
// audit chain; in between, a request page checks the events appended
// since the last check, linked to the last event it verified.
const fullAuditEvery = 15 * time.Minute

// auditChecks remembers, per organization, the last audit event the
// console verified, so that a request page, which refreshes every few
// seconds while its request runs, reads the events appended since rather
// than the organization's whole chain: its cost follows what is new, not
// the chain's length. The last event is read back each time, so a chain
// changed at it, or rewritten from before it, fails at once; an event
// changed before it alone fails at the next full check.
type auditChecks struct {
	mu   sync.Mutex
	orgs map[string]auditCheck
}

// auditCheck is what the console last verified of one organization's
// chain.
type auditCheck struct {
	last *store.Event // nil: the chain was empty
	n    int64        // events verified, up to last
	full time.Time    // when the whole chain was last checked
}

// verify checks the audit chain of the organization on ctx, in full when
// the last full check is older than fullAuditEvery, and returns the
// number of events verified or a *store.ChainError.
func (a *auditChecks) verify(ctx context.Context, proc Processor, org string, now time.Time) (int64, error) {
	a.mu.Lock()
	c, ok := a.orgs[org]
	a.mu.Unlock()
	if !ok || now.Sub(c.full) >= fullAuditEvery {
		c = auditCheck{full: now}
	}
	last, n, err := proc.VerifyAuditFrom(ctx, c.last)
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.orgs == nil {
		a.orgs = map[string]auditCheck{}
	}
	if err != nil {
		delete(a.orgs, org) // the next look checks the whole chain again
		return c.n + n, err
	}
	a.orgs[org] = auditCheck{last: last, n: c.n + n, full: c.full}
	return c.n + n, nil
}
