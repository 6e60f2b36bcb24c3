package main

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"github.com/gdprkit/gdpr/evidence"
)

// publicKeysHelp is how every command that checks evidence takes its
// public keys.
const publicKeysHelp = "an evidence public key, or a file of them one a line: the current key first, then the retired keys it replaced, as served at /api/v2/gdpr/evidence/keys"

// readPublicKeys reads evidence public keys given as the keys themselves
// (one a line) or as a file holding them, one a line; the first is the
// current key, the others retired keys.
func readPublicKeys(v string) ([]string, error) {
	if keys, err := evidence.ParsePublicKeys(v); err == nil {
		return keys, nil
	}
	b, err := os.ReadFile(v)
	if err != nil {
		return nil, fmt.Errorf("the public key is neither a key (name+hash+base64, as served at /api/v2/gdpr/evidence/key) nor a readable file: %w", err)
	}
	keys, err := evidence.ParsePublicKeys(string(b))
	if err != nil {
		return nil, fmt.Errorf("file %s: %w", v, err)
	}
	return keys, nil
}

// joinKeys is keys and then more, each key once, in order.
func joinKeys(keys, more []string) []string {
	out := slices.Clone(keys)
	for _, k := range more {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// signedBy returns the one of keys that signed the note signed, "" when
// none did.
func signedBy(signed []byte, keys []string) string {
	for _, k := range keys {
		v, err := evidence.Verifier(k)
		if err != nil {
			continue
		}
		if _, err := note.Open(signed, note.VerifierList(v)); err == nil {
			return k
		}
	}
	return ""
}

// keyName is a key's fingerprint, with ", retired" when it is not the
// first of keys, the current one.
func keyName(key string, keys []string) string {
	if key == "" {
		return "an unknown key"
	}
	if len(keys) > 0 && key != keys[0] {
		return evidence.Fingerprint(key) + " (retired)"
	}
	return evidence.Fingerprint(key)
}

// keyByID returns the one of keys whose "name+hash" is id, "" when none.
func keyByID(id string, keys []string) string {
	for _, k := range keys {
		if strings.HasPrefix(k, id+"+") {
			return k
		}
	}
	return ""
}

// keysLine names the keys checked against: "the evidence key FP" and, when
// there are retired ones, "and the retired keys FP, FP".
func keysLine(keys []string) string {
	s := "the evidence key " + evidence.Fingerprint(keys[0])
	if len(keys) > 1 {
		fps := make([]string, len(keys)-1)
		for i, k := range keys[1:] {
			fps[i] = evidence.Fingerprint(k)
		}
		s += " and the retired keys " + strings.Join(fps, ", ")
	}
	return s
}
