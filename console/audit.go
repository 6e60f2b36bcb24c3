package console

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/processor"
)

// fullAuditEvery is how often the console checks an organization's whole
// audit chain, with its signed checkpoints when the processor signs them;
// in between, a request page checks what was added since the last check.
const fullAuditEvery = 15 * time.Minute

// auditChecks remembers, per organization, where the console's last check
// of the audit chain ended (its last event and newest checkpoint), so
// that a request page, which refreshes every few seconds while its
// request runs, reads what was added since rather than the
// organization's whole chain: its cost follows what is new, not the
// chain's length. The last event and checkpoint are read back each time,
// so that a chain changed at them fails at once; what the check between
// full ones leaves out (an event changed before the last one, the Merkle
// roots of new checkpoints) fails at the next full check.
type auditChecks struct {
	mu   sync.Mutex
	orgs map[string]auditCheck
}

// auditCheck is what the console last verified of one organization's
// chain.
type auditCheck struct {
	mark        *evidence.Mark // where it ended; nil: check the whole chain
	events      int64          // events verified, up to the mark
	checkpoints int64          // checkpoints verified, up to the mark
	full        time.Time      // when the whole chain was last checked
	external    int            // checkpoints of the evidence sink compared then
}

// auditLook is what one look at an organization's chain checked, and
// what it found.
type auditLook struct {
	// AuditCheck is this look's check: the whole chain (Full), or what
	// was added after the last look.
	processor.AuditCheck
	// At is when this look checked; FullAt when the whole chain was last
	// checked (At when Full).
	At, FullAt time.Time
	// AllEvents and AllCheckpoints count what verified from the first
	// event up to this look's mark.
	AllEvents, AllCheckpoints int64
	// FullExternal is how many checkpoints kept in the evidence sink the
	// last check of the whole chain compared with the store's.
	FullExternal int
	// Problem is what does not hold, nil when all did.
	Problem *evidence.Error
}

// NextFull is when the next look checks the whole chain again.
func (l auditLook) NextFull() time.Time { return l.FullAt.Add(fullAuditEvery) }

// verify checks the audit chain of the organization on ctx, in full when
// the last full check is older than fullAuditEvery or found a problem,
// else after the last check's mark. A chain that does not verify is the
// look's Problem; an error is the store's.
func (a *auditChecks) verify(ctx context.Context, proc Processor, org string, now time.Time) (auditLook, error) {
	a.mu.Lock()
	c, ok := a.orgs[org]
	a.mu.Unlock()
	if !ok || now.Sub(c.full) >= fullAuditEvery {
		c = auditCheck{full: now}
	}
	res, err := proc.CheckAudit(ctx, c.mark)
	if c.mark == nil {
		c.external = res.External
	}
	look := auditLook{AuditCheck: res, At: now, FullAt: c.full, FullExternal: c.external,
		AllEvents: c.events + res.Events, AllCheckpoints: c.checkpoints + res.Checkpoints}
	var problem *evidence.Error
	if err != nil && !errors.As(err, &problem) {
		return look, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.orgs == nil {
		a.orgs = map[string]auditCheck{}
	}
	if problem != nil {
		delete(a.orgs, org) // the next look checks the whole chain again
		look.Problem = problem
		return look, nil
	}
	mark := res.Mark
	a.orgs[org] = auditCheck{mark: &mark, events: look.AllEvents, checkpoints: look.AllCheckpoints, full: c.full, external: c.external}
	return look, nil
}

// forget drops what the console verified of org's chain: its next look
// checks the whole chain.
func (a *auditChecks) forget(org string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.orgs, org)
}
