package store

import (
	"context"
	"errors"
	"time"
)

// Checkpoint is a signed statement of an organization's audit chain: the
// chain's first Size events, by the root of a Merkle tree over their
// hashes, signed with the evidence key. Package evidence makes, signs and
// checks them; a Store only keeps them.
type Checkpoint struct {
	// Org is the organization whose chain the checkpoint covers.
	Org string
	// Seq numbers the organization's checkpoints from 1, without gaps.
	Seq int64
	// Size is how many events the checkpoint covers: Seq 1 to Size.
	Size int64
	// Time is when the checkpoint was signed, in UTC.
	Time time.Time
	// Note is the signed checkpoint, as package evidence wrote it.
	Note []byte
}

// TreeHash is one stored hash of an organization's Merkle tree, at the
// index golang.org/x/mod/sumdb/tlog gives it (tlog.StoredHashIndex).
type TreeHash struct {
	Index int64
	Hash  [32]byte
}

// Receipt is a finished request's signed receipt, as package evidence
// wrote it: it holds no personal data, and it proves the request's audit
// events against the checkpoint numbered Checkpoint.
type Receipt struct {
	Org       string
	RequestID string
	// Checkpoint is the Seq of the organization's checkpoint whose tree
	// the receipt's proofs lead to.
	Checkpoint int64
	// Note is the signed receipt.
	Note []byte
}

// CheckpointStore is a Store that keeps signed checkpoints of its audit
// chains, the Merkle tree hashes they sign and the receipts of format /2
// proven against them, so that an edit of the chain, even re-sealed, or
// a deleted tail is found (package evidence). (Receipts made now are
// made from the chain and the checkpoints, and not stored.) It is optional; memstore and sqlstore implement it.
// Implementations are safe for concurrent use, by several processors
// sharing the Store.
type CheckpointStore interface {
	// AddCheckpoint stores cp, the tree hashes it adds and the receipts
	// made with it, all of cp.Org, in one atomic change, provided cp.Seq
	// is one more than the organization's last checkpoint (1 for the
	// first); else it stores nothing and returns an error matching
	// ErrCheckpointConflict. A hash at an index already stored keeps the
	// stored one, and so does a request's receipt already stored.
	AddCheckpoint(ctx context.Context, cp Checkpoint, hashes []TreeHash, receipts []Receipt) error

	// AddReceipts stores receipts made after their checkpoint was, in one
	// atomic change; a request's receipt already stored is kept.
	AddReceipts(ctx context.Context, receipts []Receipt) error

	// Receipt returns the stored receipt of the organization's request
	// id, or an error matching ErrNotFound.
	Receipt(ctx context.Context, org, id string) (*Receipt, error)

	// Checkpoints returns the organization's checkpoints with Seq greater
	// than after, in Seq order, at most limit of them (0: all).
	Checkpoints(ctx context.Context, org string, after int64, limit int) ([]Checkpoint, error)

	// LastCheckpoint returns the organization's newest checkpoint, or an
	// error matching ErrNotFound when it has none.
	LastCheckpoint(ctx context.Context, org string) (*Checkpoint, error)

	// TreeHashes returns the organization's stored tree hashes at
	// indexes, in their order, or an error matching ErrNotFound when one
	// is missing.
	TreeHashes(ctx context.Context, org string, indexes []int64) ([][32]byte, error)

	// ChainHead returns the Seq and Hash of the organization's newest
	// event as the Store records it (0 and "" when it has none), apart
	// from the events themselves: a tail deleted from the events is seen
	// against it.
	ChainHead(ctx context.Context, org string) (seq int64, hash string, err error)

	// Organizations returns the organizations that have audit events or
	// checkpoints, in ascending order.
	Organizations(ctx context.Context) ([]string, error)
}

// ErrCheckpointConflict is returned by AddCheckpoint when another
// checkpoint took the Seq first, as when two processors sign at once.
var ErrCheckpointConflict = errors.New("store: checkpoint conflict")

// CheckpointCoverer is a CheckpointStore that finds the checkpoint that
// first covers an event in one read, as package evidence does for every
// receipt it makes. It is optional (evidence otherwise halves the
// checkpoints, a read each); memstore and sqlstore implement it.
type CheckpointCoverer interface {
	// CheckpointCovering returns the organization's first checkpoint
	// whose Size is at least seq, or an error matching ErrNotFound when
	// none is that large.
	CheckpointCovering(ctx context.Context, org string, seq int64) (*Checkpoint, error)
}
