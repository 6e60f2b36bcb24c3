package dsr

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/gdprkit/gdpr"
)

// DeriveID returns a DSR id made from the identifiers alone, in any order
// and case: the same identifiers always give the same id, "dsr-" and 16
// hex digits. The id does not hold the identifiers, but it is an unkeyed
// hash: whoever guesses them can check the guess against it. Prefer a DSR
// id of your own (a ticket number), or DeriveIDWithKey.
func DeriveID(ids []gdpr.Term) string {
	sum := sha256.Sum256(canonical(ids))
	return "dsr-" + hex.EncodeToString(sum[:8])
}

// DeriveIDWithKey is DeriveID keyed with HMAC-SHA256 under key: the same
// identifiers and key always give the same id, and without the key the id
// cannot be tested against guessed identifiers. An empty key gives
// DeriveID's id.
func DeriveIDWithKey(key []byte, ids []gdpr.Term) string {
	if len(key) == 0 {
		return DeriveID(ids)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("gdprkit dsr id\x00"))
	mac.Write(canonical(ids))
	return "dsr-" + hex.EncodeToString(mac.Sum(nil)[:8])
}

// canonical is the form of ids that DSR ids derive from: kind, scope and
// value of each, lowercased, in sorted order.
func canonical(ids []gdpr.Term) []byte {
	keys := make([]string, len(ids))
	for i, t := range ids {
		keys[i] = string(t.Kind) + "\x00" + strings.ToLower(t.Scope) + "\x00" + strings.ToLower(t.Value)
	}
	slices.Sort(keys)
	return []byte(strings.Join(keys, "\x01"))
}

// idempotencyKey derives a request's key from the DSR, the type, the
// subject and the term. The parts and their order are those keys have
// always been made of, so that plans made before still resume.
func idempotencyKey(dsr string, typ gdpr.RequestType, subject string, term gdpr.Term) string {
	h := sha256.New()
	for _, part := range []string{dsr, string(typ), subject, string(term.Kind), term.Scope, term.Value} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return "gdpr-dsr-" + hex.EncodeToString(h.Sum(nil)[:16])
}
