package httpadapter

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/gdprkit/gdpr/adapter"
)

// recordVersion returns the version of a record as the Handler lists it
// among the candidates of an erasure: the lowercase hex SHA-256 of the
// record's JSON. adapter.Record marshals deterministically (map keys
// sorted), so the version changes exactly when the record's kind, id or
// fields do.
func recordVersion(rec adapter.Record) (string, error) {
	b, err := json.Marshal(rec)
	if err != nil {
		return "", fmt.Errorf("httpadapter: version of a record of kind %q: %w", rec.Kind, err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
