package evidence

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"github.com/gdprkit/gdpr/store"
)

// ErrUnknownKey is matched (errors.Is) by the error of a Checkpointer
// whose organization's last stored checkpoint is signed by a key that is
// neither its Key nor one of its Retired keys. After the evidence key was
// replaced, give the replaced key's public key in Retired: the chain then
// goes on under the new key, one chain across the rotation.
var ErrUnknownKey = errors.New("evidence: the last checkpoint is signed by a key not given")

// ParsePublicKeys reads evidence public keys, one a line, as a key file
// holds them: the current key first, then the retired ones (the order
// GET /api/v2/gdpr/evidence/keys serves them in). Blank lines and lines
// beginning with # are skipped. It returns at least one key, or an error
// naming the line that is not a public key.
func ParsePublicKeys(text string) ([]string, error) {
	var keys []string
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if _, err := Verifier(line); err != nil {
			return nil, fmt.Errorf("%w (line %d)", err, n+1)
		}
		keys = append(keys, line)
	}
	if len(keys) == 0 {
		return nil, errors.New("evidence: no public key: give one verifier key a line (name+hash+base64, as gdpr serve serves it)")
	}
	return keys, nil
}

// keyID names a key as its signatures do, "name+hash": the beginning of
// its public key.
func keyID(name string, hash uint32) string { return fmt.Sprintf("%s+%08x", name, hash) }

// ring returns the verifiers of current and of the retired public keys
// as note.Verifiers, naming a retired key that is not a public key.
func ring(current note.Verifier, retired []string) (note.Verifiers, error) {
	vs := []note.Verifier{current}
	for i, pub := range retired {
		v, err := Verifier(pub)
		if err != nil {
			return nil, fmt.Errorf("%w (retired key %d)", err, i+1)
		}
		vs = append(vs, v)
	}
	return ringOf(vs), nil
}

// ringOf is note.VerifierList of vs with each key once: a key given twice
// (the current key also listed as retired) is not ambiguous.
func ringOf(vs []note.Verifier) note.Verifiers {
	seen := map[string]bool{}
	var list []note.Verifier
	for _, v := range vs {
		if id := keyID(v.Name(), v.KeyHash()); !seen[id] {
			seen[id] = true
			list = append(list, v)
		}
	}
	return note.VerifierList(list...)
}

// unknownSigners names the keys that signed a note none of the keys given
// knows, for an error message: "signed by the key gdprkit-evidence+1a2b3c4d".
func unknownSigners(err error) string {
	var unv *note.UnverifiedNoteError
	if !errors.As(err, &unv) || len(unv.Note.UnverifiedSigs) == 0 {
		return ""
	}
	ids := make([]string, len(unv.Note.UnverifiedSigs))
	for i, s := range unv.Note.UnverifiedSigs {
		ids[i] = keyID(s.Name, s.Hash)
	}
	return "signed by the key " + strings.Join(ids, " and ")
}

// keys returns the verifiers of the Checkpointer's Key and Retired keys.
func (c *Checkpointer) keys() (note.Verifiers, error) {
	v, err := Verifier(c.Key.PublicKey())
	if err != nil {
		return nil, err
	}
	vs, err := ring(v, c.Retired)
	if err != nil {
		return nil, fmt.Errorf("evidence: Checkpointer.Retired: %w", err)
	}
	return vs, nil
}

// openLast opens org's last checkpoint with the Checkpointer's keys; one
// signed by a key it was not given is an error matching ErrUnknownKey
// that names that key.
func (c *Checkpointer) openLast(org string, last []byte, seq int64) (Statement, error) {
	vs, err := c.keys()
	if err != nil {
		return Statement{}, err
	}
	st, _, err := openCheckpoint(last, vs)
	if signers := unknownSigners(err); signers != "" {
		return st, fmt.Errorf("%w: checkpoint %d of %q is %s, neither this evidence key (%s, %s) nor a retired key; if this key replaced that one, give that one's public key as a retired key",
			ErrUnknownKey, seq, org, signers, keyPrefix(c.Key.PublicKey()), c.Key.Fingerprint())
	}
	if err != nil {
		return st, fmt.Errorf("evidence: checkpoint %d of %q: %w", seq, org, err)
	}
	return st, nil
}

// Open returns what the stored checkpoint cp says, its signature checked
// with Key or one of Retired, or an *Error: of KindSignature when no key
// given signed it, of KindCheckpoints when it signs another number or
// organization than it is stored as.
func (c *Checkpointer) Open(cp *store.Checkpoint) (Statement, error) {
	vs, err := c.keys()
	if err != nil {
		return Statement{}, err
	}
	st, _, err := openCheckpoint(cp.Note, vs)
	if err != nil {
		return st, &Error{Org: cp.Org, Kind: KindSignature, Checkpoint: cp.Seq, Reason: strings.TrimPrefix(err.Error(), "evidence: ")}
	}
	if st.Seq != cp.Seq || st.Org != cp.Org {
		return st, &Error{Org: cp.Org, Kind: KindCheckpoints, Checkpoint: cp.Seq,
			Reason: fmt.Sprintf("stored as checkpoint %d of %q, it signs checkpoint %d of %q", cp.Seq, cp.Org, st.Seq, st.Org)}
	}
	return st, nil
}

// keyPrefix is the "name+hash" beginning of a public key (name+hash+base64,
// where only the base64 may hold a "+").
func keyPrefix(public string) string {
	parts := strings.SplitN(public, "+", 3)
	return strings.Join(parts[:min(2, len(parts))], "+")
}

// CheckKeys checks that the Checkpointer can go on signing every
// organization's chain in its Log: that each one's last checkpoint is
// signed by Key or by one of Retired. Call it when a process starts with
// its key, to refuse to run with a replaced key whose predecessor was not
// given rather than fail at every checkpoint; the error then matches
// ErrUnknownKey and names the organization, the checkpoint and the key
// that signed it.
func (c *Checkpointer) CheckKeys(ctx context.Context) error {
	orgs, err := c.Log.Organizations(ctx)
	if err != nil {
		return fmt.Errorf("evidence: check keys: %w", err)
	}
	for _, org := range orgs {
		last, err := c.Log.LastCheckpoint(ctx, org)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return fmt.Errorf("evidence: check keys: %w", err)
		}
		if _, err := c.openLast(org, last.Note, last.Seq); err != nil {
			return err
		}
	}
	return nil
}

// unknownKeyError says that a note is signed by no key given, in words of
// its own, and still matches the *note.UnverifiedNoteError it stems from.
type unknownKeyError struct {
	msg string
	err error
}

func (e *unknownKeyError) Error() string { return e.msg }
func (e *unknownKeyError) Unwrap() error { return e.err }
