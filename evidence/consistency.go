package evidence

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/gdprkit/gdpr/store"
)

// ConsistencyFormat names the format of a Consistency proof, on its
// format field.
const ConsistencyFormat = "gdprkit-consistency/1"

// Consistency is a proof that an organization's chain as a newer
// checkpoint signs it extends the chain an older one signed, unchanged:
// the RFC 6962 consistency proof (tlog.ProveTree) between the two
// checkpoints' trees. Whoever holds an old checkpoint (from a receipt, a
// sink, an earlier download) checks with it and the public key alone that
// the operator did not rewrite or fork the history since
// (VerifyConsistency, or gdpr audit consistency). Its file is this JSON;
// it needs no signature of its own, since both checkpoints are signed
// and the proof is only hashes that either lead from one root to the
// other or do not.
type Consistency struct {
	Format       string `json:"format"`
	Organization string `json:"organization"`
	// Old and New are the two signed checkpoints, Old's tree no larger.
	Old string `json:"old"`
	New string `json:"new"`
	// Proof is the base64 hashes of tlog.ProveTree(New's size, Old's
	// size); empty when the sizes are equal.
	Proof []string `json:"proof"`
}

// ErrNoCheckpoint is returned by Consistency when the organization has no
// checkpoint of a number asked for.
var ErrNoCheckpoint = errors.New("evidence: no such checkpoint")

// Consistency returns the consistency proof between the organization's
// checkpoints numbered from and to (from < to), as the JSON of a
// Consistency; an error matching ErrNoCheckpoint when either does not
// exist. It signs nothing and changes nothing.
func (c *Checkpointer) Consistency(ctx context.Context, org string, from, to int64) ([]byte, error) {
	if from < 1 || to <= from {
		return nil, fmt.Errorf("evidence: consistency: checkpoint numbers %d and %d: want 1 ≤ old < new", from, to)
	}
	get := func(seq int64) (*store.Checkpoint, error) {
		cps, err := c.Log.Checkpoints(ctx, org, seq-1, 1)
		if err != nil {
			return nil, fmt.Errorf("evidence: consistency: %w", err)
		}
		if len(cps) != 1 || cps[0].Seq != seq {
			return nil, fmt.Errorf("%w: organization %q has no checkpoint %d", ErrNoCheckpoint, org, seq)
		}
		return &cps[0], nil
	}
	o, err := get(from)
	if err != nil {
		return nil, err
	}
	n, err := get(to)
	if err != nil {
		return nil, err
	}
	if o.Size > n.Size {
		return nil, &Error{Org: org, Kind: KindCheckpoints, Checkpoint: to,
			Reason: fmt.Sprintf("checkpoint %d signs %d events, fewer than checkpoint %d's %d", to, n.Size, from, o.Size)}
	}
	r := newHashes(ctx, c.Log, org)
	var proof tlog.TreeProof
	if err := r.twice(func() (err error) {
		proof, err = tlog.ProveTree(n.Size, o.Size, r)
		return err
	}); err != nil {
		return nil, fmt.Errorf("evidence: consistency of checkpoints %d and %d of %q: %w", from, to, org, err)
	}
	doc := Consistency{Format: ConsistencyFormat, Organization: org, Old: string(o.Note), New: string(n.Note), Proof: make([]string, len(proof))}
	for i, h := range proof {
		doc.Proof[i] = base64.StdEncoding.EncodeToString(h[:])
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("evidence: consistency: %w", err)
	}
	return append(b, '\n'), nil
}

// VerifyConsistency checks a consistency proof offline against the public
// key, or one of the retired keys it replaced (the older checkpoint may
// be signed by a retired key, the newer one by the current key; never
// the other way round): both checkpoints' signatures, that they are of one organization
// and in order, and that the proof leads from the old tree's root to the
// new one's, so that the new checkpoint's events begin with exactly the
// old one's. It returns what the two checkpoints say, or an error saying
// what does not hold. To check against a checkpoint you hold, compare it
// with the proof's Old (or New) first, as gdpr audit consistency --held
// does.
func VerifyConsistency(doc []byte, public string, retired ...string) (older, newer Statement, err error) {
	v, err := Verifier(public)
	if err != nil {
		return older, newer, err
	}
	vs, err := ring(v, retired)
	if err != nil {
		return older, newer, err
	}
	var c Consistency
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return older, newer, fmt.Errorf("evidence: not a consistency proof: %w", err)
	}
	if c.Format != ConsistencyFormat {
		return older, newer, fmt.Errorf("evidence: consistency proof format %q, want %q", c.Format, ConsistencyFormat)
	}
	var oldKey, newKey string
	if older, oldKey, err = openCheckpoint([]byte(c.Old), vs); err != nil {
		return older, newer, fmt.Errorf("evidence: the older checkpoint: %w", err)
	}
	if newer, newKey, err = openCheckpoint([]byte(c.New), vs); err != nil {
		return older, newer, fmt.Errorf("evidence: the newer checkpoint: %w", err)
	}
	switch {
	case oldKey == keyID(v.Name(), v.KeyHash()) && newKey != oldKey:
		return older, newer, fmt.Errorf("evidence: the newer checkpoint is signed by the retired key %s, the older by the current key: a retired key signs nothing after the rotation", newKey)
	case older.Org != c.Organization || newer.Org != c.Organization:
		return older, newer, fmt.Errorf("evidence: the checkpoints are of organizations %q and %q, not both of %q", older.Org, newer.Org, c.Organization)
	case older.Seq >= newer.Seq:
		return older, newer, fmt.Errorf("evidence: the older checkpoint is number %d, not before the newer one's %d", older.Seq, newer.Seq)
	case older.Size > newer.Size:
		return older, newer, fmt.Errorf("evidence: the newer checkpoint %d signs %d events, fewer than the older one's %d: the history was cut", newer.Seq, newer.Size, older.Size)
	}
	proof := make(tlog.TreeProof, len(c.Proof))
	for i, p := range c.Proof {
		b, err := base64.StdEncoding.Strict().DecodeString(p)
		if err != nil || len(b) != tlog.HashSize {
			return older, newer, fmt.Errorf("evidence: consistency proof hash %d is not base64 SHA-256", i)
		}
		proof[i] = tlog.Hash(b)
	}
	if err := tlog.CheckTree(proof, newer.Size, newer.Root, older.Size, older.Root); err != nil {
		return older, newer, fmt.Errorf("evidence: checkpoint %d (%d events) does not extend checkpoint %d (%d events): the history was rewritten or forked, or the proof altered",
			newer.Seq, newer.Size, older.Seq, older.Size)
	}
	return older, newer, nil
}
