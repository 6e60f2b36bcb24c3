package evidence

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// BatchPrefix begins the origin line of a receipt batch; the
// organization follows it, quoted as in a checkpoint.
const BatchPrefix = "gdprkit receipts "

// Batch is what a receipt batch says: the receipts of requests whose
// events one checkpoint covers are the leaves of an RFC 6962 Merkle tree
// (golang.org/x/mod/sumdb/tlog), and one signed note names its root, so
// that the receipts of every request a checkpoint covers cost one
// signature, not one each. Each receipt proves its place in the tree.
// The note's text, in the layout of a checkpoint:
//
//	gdprkit receipts "<organization>"
//	<size: receipts in the batch>
//	<base64 root of the tree over the receipts' leaves>
//	checkpoint <seq of the checkpoint the receipts' events lead to>
type Batch struct {
	Org        string
	Size       int64
	Root       tlog.Hash
	Checkpoint int64
}

// Text returns the batch as its note text.
func (b Batch) Text() string {
	return fmt.Sprintf("%s%s\n%d\n%s\ncheckpoint %d\n", BatchPrefix, strconv.Quote(b.Org), b.Size,
		base64.StdEncoding.EncodeToString(b.Root[:]), b.Checkpoint)
}

// parseBatch reads a batch's note text.
func parseBatch(text string) (Batch, error) {
	var b Batch
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], BatchPrefix) {
		return b, errors.New(`evidence: not a gdprkit receipt batch (want 4 lines, the first: gdprkit receipts "ORG")`)
	}
	org, err := strconv.Unquote(strings.TrimPrefix(lines[0], BatchPrefix))
	if err != nil {
		return b, errors.New("evidence: the batch's organization is not a quoted string")
	}
	b.Org = org
	if b.Size, err = strconv.ParseInt(lines[1], 10, 64); err != nil || b.Size < 1 {
		return b, errors.New("evidence: the batch's size is not a positive number")
	}
	root, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize {
		return b, errors.New("evidence: the batch's root is not a base64 SHA-256 hash")
	}
	b.Root = tlog.Hash(root)
	v, ok := strings.CutPrefix(lines[3], "checkpoint ")
	if !ok {
		return b, errors.New(`evidence: the batch's last line should begin "checkpoint "`)
	}
	if b.Checkpoint, err = strconv.ParseInt(v, 10, 64); err != nil || b.Checkpoint < 1 || strconv.FormatInt(b.Checkpoint, 10) != v {
		return b, errors.New("evidence: the batch's checkpoint is not a positive number")
	}
	if b.Text() != text {
		return b, errors.New("evidence: the batch's text is not in its canonical form")
	}
	return b, nil
}

// openBatch checks a signed batch against vs and returns what it says
// and which key signed it, as "name+hash".
func openBatch(signed []byte, vs note.Verifiers) (Batch, string, error) {
	n, err := openNote(signed, vs)
	if err != nil {
		msg := "evidence: the receipt's batch is not signed by the evidence key (another key signed it, or it was altered)"
		if signers := unknownSigners(err); signers != "" {
			msg += ": it is " + signers + ", not one of the keys given"
		}
		return Batch{}, "", errors.New(msg)
	}
	b, err := parseBatch(n.Text)
	return b, keyID(n.Sigs[0].Name, n.Sigs[0].Hash), err
}

// signBatch returns the batch as a note signed with k.
func (k *Key) signBatch(b Batch) ([]byte, error) {
	signed, err := note.Sign(&note.Note{Text: b.Text()}, k.signer)
	if err != nil {
		return nil, fmt.Errorf("evidence: sign receipt batch: %w", err)
	}
	return signed, nil
}

// leafTree is a Merkle tree over a batch's leaves, held in memory.
type leafTree map[int64]tlog.Hash

// newLeafTree returns the tree over leaves, the receipts' leaf data.
func newLeafTree(leaves [][]byte) (leafTree, error) {
	t := leafTree{}
	for n, data := range leaves {
		hs, err := tlog.StoredHashes(int64(n), data, t)
		if err != nil {
			return nil, err
		}
		x := tlog.StoredHashIndex(0, int64(n))
		for i, h := range hs {
			t[x+int64(i)] = h
		}
	}
	return t, nil
}

// ReadHashes implements tlog.HashReader.
func (t leafTree) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		h, ok := t[x]
		if !ok {
			return nil, fmt.Errorf("evidence: receipt batch: no hash at %d", x)
		}
		out[i] = h
	}
	return out, nil
}
