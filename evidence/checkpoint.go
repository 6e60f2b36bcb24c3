package evidence

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// OriginPrefix begins the origin line of every checkpoint; the
// organization follows it, as a Go quoted string (so "" is the default
// organization, and no name can break the line).
const OriginPrefix = "gdprkit audit "

// Statement is what a checkpoint says, in the checkpoint layout of
// transparency-dev (github.com/transparency-dev/formats/log): an origin
// line naming the log, the tree size, the base64 Merkle root, then
// extension lines of this format, each "key value":
//
//	gdprkit audit "<organization>"
//	<size: events 1 to size>
//	<base64 RFC 6962 root of the tree over the events' hashes>
//	checkpoint <seq: the organization's checkpoints, numbered from 1>
//	time <RFC 3339 time of signing, UTC>
//	head <hex hash of event size, the chain's head>
//	prev <hex SHA-256 of the previous checkpoint's signed note, or "-" for the first>
//
// The note is signed with golang.org/x/mod/sumdb/note (Ed25519), so any
// tool that reads transparency-dev checkpoints reads ours.
type Statement struct {
	Org  string
	Size int64
	Root tlog.Hash
	Seq  int64
	Time time.Time
	Head string // the hash of event Size, hex
	Prev string // SHA-256 of the previous signed checkpoint, hex; "" for the first
}

// Text returns the statement as the checkpoint's note text.
func (s Statement) Text() (string, error) {
	prev := s.Prev
	if prev == "" {
		prev = "-"
	}
	return fmt.Sprintf("%s%s\n%d\n%s\ncheckpoint %d\ntime %s\nhead %s\nprev %s\n",
		OriginPrefix, strconv.Quote(s.Org), s.Size, base64.StdEncoding.EncodeToString(s.Root[:]), s.Seq,
		s.Time.UTC().Format(time.RFC3339Nano), s.Head, prev), nil
}

// ParseStatement reads a checkpoint's note text.
func ParseStatement(text string) (Statement, error) {
	var s Statement
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) != 7 || !strings.HasPrefix(lines[0], OriginPrefix) {
		return s, errors.New(`evidence: not a gdprkit checkpoint (want 7 lines, the first: gdprkit audit "ORG")`)
	}
	org, err := strconv.Unquote(strings.TrimPrefix(lines[0], OriginPrefix))
	if err != nil {
		return s, errors.New("evidence: the checkpoint's organization is not a quoted string")
	}
	s.Org = org
	if s.Size, err = strconv.ParseInt(lines[1], 10, 64); err != nil || s.Size < 1 {
		return s, errors.New("evidence: checkpoint tree size is not a positive number")
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize {
		return s, errors.New("evidence: checkpoint root is not a base64 SHA-256 hash")
	}
	s.Root = tlog.Hash(root)
	field := func(line, key string) (string, error) {
		v, ok := strings.CutPrefix(line, key+" ")
		if !ok {
			return "", fmt.Errorf("evidence: checkpoint line %q should begin %q", line, key+" ")
		}
		return v, nil
	}
	v, err := field(lines[3], "checkpoint")
	if err != nil {
		return s, err
	}
	if s.Seq, err = strconv.ParseInt(v, 10, 64); err != nil || s.Seq < 1 {
		return s, errors.New("evidence: checkpoint number is not a positive number")
	}
	if v, err = field(lines[4], "time"); err != nil {
		return s, err
	}
	if s.Time, err = time.Parse(time.RFC3339Nano, v); err != nil {
		return s, errors.New("evidence: checkpoint time is not RFC 3339")
	}
	if s.Head, err = field(lines[5], "head"); err != nil {
		return s, err
	}
	if v, err = field(lines[6], "prev"); err != nil {
		return s, err
	}
	if v != "-" {
		s.Prev = v
	}
	return s, nil
}

// Sign returns the statement as a signed note.
func (k *Key) Sign(s Statement) ([]byte, error) {
	text, err := s.Text()
	if err != nil {
		return nil, err
	}
	b, err := note.Sign(&note.Note{Text: text}, k.signer)
	if err != nil {
		return nil, fmt.Errorf("evidence: sign checkpoint: %w", err)
	}
	return b, nil
}

// OpenCheckpoint checks the signed checkpoint against the public key's
// verifier v, or the verifier of one of the retired keys that v replaced,
// and returns what it says. A checkpoint signed by another key, or
// altered, is an error; one signed by a key not given names that key
// ("name+hash", the beginning of its public key).
func OpenCheckpoint(signed []byte, v note.Verifier, retired ...note.Verifier) (Statement, error) {
	st, _, err := openCheckpoint(signed, ringOf(append([]note.Verifier{v}, retired...)))
	return st, err
}

// openCheckpoint is OpenCheckpoint with the keys as note.Verifiers; it
// also returns which key signed the checkpoint, as "name+hash".
func openCheckpoint(signed []byte, vs note.Verifiers) (Statement, string, error) {
	n, err := openNote(signed, vs)
	if err != nil {
		var unv *note.UnverifiedNoteError
		if errors.As(err, &unv) {
			msg := "evidence: the checkpoint is not signed by the evidence key (another key signed it, or it was altered)"
			if signers := unknownSigners(err); signers != "" {
				msg += ": it is " + signers + ", not one of the keys given"
			}
			return Statement{}, "", &unknownKeyError{msg: msg, err: err}
		}
		return Statement{}, "", fmt.Errorf("evidence: the checkpoint does not verify: %w", err)
	}
	st, err := ParseStatement(n.Text)
	return st, keyID(n.Sigs[0].Name, n.Sigs[0].Hash), err
}

// NoteHash is the hash a checkpoint's successor names on its prev line.
func NoteHash(signed []byte) string {
	sum := sha256.Sum256(signed)
	return hex.EncodeToString(sum[:])
}

// leafData is the record of the Merkle tree for an event: the event's hash,
// as raw bytes when it is hex (as SealEvent makes it), else its text.
func leafData(eventHash string) []byte {
	if b, err := hex.DecodeString(eventHash); err == nil && len(b) == sha256.Size {
		return b
	}
	return []byte(eventHash)
}

// LeafHash is the Merkle tree leaf of an event with the hash eventHash:
// tlog.RecordHash of its 32 raw bytes (RFC 6962's SHA-256(0x00 || data)).
func LeafHash(eventHash string) tlog.Hash { return tlog.RecordHash(leafData(eventHash)) }

// openNote is note.Open that also refuses a signature whose base64 is not
// canonical (padding bits set): such a note verifies, but is not the
// bytes that were signed, and evidence changed by even one byte must not
// verify.
func openNote(signed []byte, vs note.Verifiers) (*note.Note, error) {
	n, err := note.Open(signed, vs)
	if err != nil {
		return nil, err
	}
	for _, sig := range append(n.Sigs, n.UnverifiedSigs...) {
		if _, err := base64.StdEncoding.Strict().DecodeString(sig.Base64); err != nil {
			return nil, errors.New("a signature's base64 is not canonical: the note was altered")
		}
	}
	return n, nil
}
