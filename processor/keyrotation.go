package processor

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gdprkit/gdpr/evidence"
)

// WithRetiredEvidenceKeys names the public keys of the evidence keys that
// the key of WithEvidence replaced, so that signing goes on after a key
// rotation: a chain's last checkpoint signed by one of them is checked
// with it, and the next checkpoint, signed by the new key, names it as
// the one before (one chain across the rotation). Without it, a
// Processor given a new key refuses to run over chains the old one
// signed (see Run). RetiredPublicKeys returns them, for verifiers to
// check the old checkpoints and receipts. It needs WithEvidence.
func WithRetiredEvidenceKeys(public ...string) Option {
	return func(c *config) error {
		for i, pub := range public {
			if _, err := evidence.Verifier(pub); err != nil {
				return fmt.Errorf("WithRetiredEvidenceKeys: key %d: %w", i+1, err)
			}
			c.retiredKeys = append(c.retiredKeys, strings.TrimSpace(pub))
		}
		return nil
	}
}

// bindRetiredKeys gives the Checkpointer the retired keys, after bind.
func (c *config) bindRetiredKeys() error {
	if len(c.retiredKeys) == 0 {
		return nil
	}
	if c.evidence == nil {
		return errors.New("WithRetiredEvidenceKeys needs WithEvidence: retired keys are those the evidence key replaced")
	}
	// The current key listed as retired too changes nothing.
	c.retiredKeys = slices.DeleteFunc(slices.Clone(c.retiredKeys), func(k string) bool {
		return k == c.evidence.key.PublicKey()
	})
	c.evidence.cp.Retired = c.retiredKeys
	return nil
}

// RetiredPublicKeys returns the public keys given with
// WithRetiredEvidenceKeys, in their order: those of evidence keys
// retired from signing, whose checkpoints and receipts still verify with
// them. It returns nil when there are none or without WithEvidence.
func (p *Processor) RetiredPublicKeys() []string {
	if p.cfg.evidence == nil {
		return nil
	}
	return slices.Clone(p.cfg.retiredKeys)
}

// checkEvidenceKeys refuses, before Run starts, an evidence key that
// cannot go on signing a chain: one whose last checkpoint another key,
// not given as retired, signed. Other errors (the store unreachable for
// now) are left to the checkpoint loop to report.
func (p *Processor) checkEvidenceKeys(ctx context.Context) error {
	e := p.cfg.evidence
	if e == nil {
		return nil
	}
	err := e.cp.CheckKeys(ctx)
	if errors.Is(err, evidence.ErrUnknownKey) {
		return fmt.Errorf("processor: %w (WithRetiredEvidenceKeys)", err)
	}
	if err != nil && ctx.Err() == nil {
		p.log().WarnContext(ctx, "evidence: could not check the last checkpoints against the key; the checkpoint loop will", "err", err)
	}
	return nil
}
