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
// VerifyAuditFrom does).
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
		c.Report, err = evidence.Verify(ctx, e.cp.Log, v, org, evidence.VerifyOptions{Retired: p.RetiredPublicKeys()})
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
// signature checked with the evidence key, or nil when checkpoint upto
// does not sign it. Give as upto a checkpoint that CheckAudit verified:
// CheckpointCovering checks the signatures of the checkpoints it reads
// (about log2(upto) of them), not their chain. It returns ErrNoEvidence
// without WithEvidence, and an *evidence.Error when a checkpoint it reads
// is missing or not signed by the key.
func (p *Processor) CheckpointCovering(ctx context.Context, seq, upto int64) (*evidence.Statement, error) {
	e := p.cfg.evidence
	if e == nil {
		return nil, ErrNoEvidence
	}
	if seq < 1 || upto < 1 {
		return nil, nil
	}
	v, err := evidence.Verifier(e.key.PublicKey())
	if err != nil {
		return nil, fmt.Errorf("processor: checkpoint covering: %w", err)
	}
	org := gdpr.OrganizationFromContext(ctx)
	read := func(n int64) (evidence.Statement, error) {
		cps, err := e.cp.Log.Checkpoints(ctx, org, n-1, 1)
		if err != nil {
			return evidence.Statement{}, fmt.Errorf("processor: checkpoint covering: %w", err)
		}
		if len(cps) == 0 || cps[0].Seq != n {
			return evidence.Statement{}, &evidence.Error{Org: org, Kind: evidence.KindCheckpoints, Checkpoint: n,
				Reason: fmt.Sprintf("checkpoint %d is gone from the store", n)}
		}
		st, err := evidence.OpenCheckpoint(cps[0].Note, v)
		if err != nil {
			return st, &evidence.Error{Org: org, Kind: evidence.KindSignature, Checkpoint: n, Reason: strings.TrimPrefix(err.Error(), "evidence: ")}
		}
		if st.Seq != n || st.Org != org {
			return st, &evidence.Error{Org: org, Kind: evidence.KindCheckpoints, Checkpoint: n,
				Reason: fmt.Sprintf("stored as checkpoint %d of %q, it signs checkpoint %d of %q", n, org, st.Seq, st.Org)}
		}
		return st, nil
	}
	best, err := read(upto)
	if err != nil || best.Size < seq {
		return nil, err
	}
	// Checkpoints sign ever more events: the first that signs seq is
	// found by halving [lo, best.Seq].
	for lo := int64(1); lo < best.Seq; {
		mid := lo + (best.Seq-lo)/2
		st, err := read(mid)
		if err != nil {
			return nil, err
		}
		if st.Size >= seq {
			best = st
		} else {
			lo = mid + 1
		}
	}
	return &best, nil
}
