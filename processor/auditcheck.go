package processor

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/store"
)

// AuditCheck is what CheckAudit verified of an organization's audit
// chain.
type AuditCheck struct {
	// Full reports that the whole chain was checked; else only what was
	// added after the mark given.
	Full bool
	// Signed reports that the processor signs checkpoints (WithEvidence):
	// the check then covered them, with the evidence key's public key.
	Signed bool
	// Key is the fingerprint of that public key (evidence.Fingerprint);
	// "" when not Signed.
	Key string
	// Interval is how long, at most, a growing chain waits for its next
	// checkpoint while Run runs (WithCheckpointInterval); 0 when not
	// Signed.
	Interval time.Duration
	// External is how many of the organization's checkpoints kept
	// outside the store, in the evidence sink (an evidence.SinkReader,
	// such as a FileSink), a check of the whole chain compared with the
	// store's: each must be there, unchanged. 0 for a look at what was
	// added, and when the sink cannot be read back.
	External int
	// Report counts what the check verified, every event and checkpoint
	// when Full, else those added after the mark; it gives the newest
	// checkpoint's size (Covered), the time of the first event it does not
	// sign (UnsignedSince), and the Mark to pass to the next check.
	// Without WithEvidence it counts events alone.
	evidence.Report
}

// CheckAudit verifies the context organization's audit chain. With a nil
// mark it checks the whole chain: with WithEvidence as evidence.Verify
// does, with the evidence key's public key (every event, every
// checkpoint's signature, number and link to the one before, the Merkle
// root of the events each signs); without, every event's hash and link.
// With the Mark of an earlier check it reads only what was added after
// it, as evidence.VerifySince does (without WithEvidence, as
// VerifyAuditFrom does). A check of the whole chain also compares the
// checkpoints the evidence sink holds, when it can read them back
// (evidence.SinkReader), with the store's.
//
// Events that no checkpoint signs yet are no error: UnsignedSince says
// since when. What the check finds wrong is an *evidence.Error, naming
// the kind, the event and the checkpoint; any other error is the store's.
func (p *Processor) CheckAudit(ctx context.Context, mark *evidence.Mark) (AuditCheck, error) {
	org := gdpr.OrganizationFromContext(ctx)
	c := AuditCheck{Full: mark == nil}
	e := p.cfg.evidence
	if e == nil {
		return p.checkHashChain(ctx, org, mark, c)
	}
	c.Signed, c.Key, c.Interval = true, e.key.Fingerprint(), e.interval
	v, err := evidence.Verifier(e.key.PublicKey())
	if err != nil {
		return c, fmt.Errorf("processor: check audit: %w", err)
	}
	if mark == nil {
		opt := evidence.VerifyOptions{Retired: p.RetiredPublicKeys()}
		if sr, ok := e.sink.(evidence.SinkReader); ok {
			// A deleted tail of checkpoints, with the events they signed,
			// leaves a chain that holds; the sink's copies do not.
			if opt.External, err = sr.Checkpoints(ctx); err != nil {
				return c, fmt.Errorf("processor: check audit: read the evidence sink: %w", err)
			}
			for _, cp := range opt.External {
				if cp.Org == org {
					c.External++
				}
			}
		}
		c.Report, err = evidence.Verify(ctx, e.cp.Log, v, org, opt)
	} else {
		c.Report, err = evidence.VerifySince(ctx, e.cp.Log, v, org, *mark, p.RetiredPublicKeys()...)
	}
	var ee *evidence.Error
	switch {
	case errors.Is(err, evidence.ErrNoEvents):
		return c, nil // nothing written yet, nothing wrong
	case errors.As(err, &ee) && ee.Kind == evidence.KindUnsigned:
		return c, nil // every event held; none is signed yet
	}
	return c, err
}

// checkHashChain is CheckAudit without evidence: the hash chain alone.
func (p *Processor) checkHashChain(ctx context.Context, org string, mark *evidence.Mark, c AuditCheck) (AuditCheck, error) {
	var prev *store.Event
	if mark != nil && mark.Event.Seq > 0 {
		ev := mark.Event
		prev = &ev
	}
	last, n, err := verifyFrom(ctx, p.store, org, prev)
	c.Report = evidence.Report{Org: org, Events: n}
	if last != nil {
		c.Mark.Event = *last
	}
	var ce *store.ChainError
	if errors.As(err, &ce) {
		kind := evidence.KindEdited
		if strings.Contains(ce.Reason, "missing or out of order") {
			kind = evidence.KindMissing
		}
		return c, &evidence.Error{Org: org, Kind: kind, Seq: ce.Seq, Reason: ce.Reason}
	}
	return c, err
}

// CheckpointCovering returns what the first of the context
// organization's checkpoints 1 to upto that signs event seq says, its
// signature checked with the evidence key or a retired one, or nil when
// checkpoint upto does not sign it. Give as upto a checkpoint that
// CheckAudit verified: CheckpointCovering checks the signature of the
// checkpoint it returns, not the chain. It returns ErrNoEvidence without
// WithEvidence, and an *evidence.Error when that checkpoint is not signed
// by the keys, or a checkpoint the search reads is missing.
func (p *Processor) CheckpointCovering(ctx context.Context, seq, upto int64) (*evidence.Statement, error) {
	e := p.cfg.evidence
	if e == nil {
		return nil, ErrNoEvidence
	}
	if seq < 1 || upto < 1 {
		return nil, nil
	}
	cp, err := e.cp.FirstCovering(ctx, gdpr.OrganizationFromContext(ctx), seq)
	if err != nil {
		return nil, fmt.Errorf("processor: checkpoint covering: %w", err)
	}
	if cp == nil || cp.Seq > upto {
		return nil, nil
	}
	st, err := e.cp.Open(cp)
	if err != nil {
		return nil, err
	}
	return &st, nil
}
