package main

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"time"

	"github.com/gdprkit/gdpr/processor"
)

// defaultMinimizeAfter is how long gdpr serve keeps a finished request's
// personal data and export archive: 30 days.
const defaultMinimizeAfter = 30 * 24 * time.Hour

// minimization returns the processor option of --minimize-after and
// --minimize-key, or nil when minimization is off. Without a key of its
// own it derives one from the signing key, so that hashes stay the same
// across restarts; without either it draws one and says what that costs.
func minimization(c *serveConfig, log *slog.Logger) (processor.Option, error) {
	switch {
	case c.minimizeAfter < 0:
		return nil, fmt.Errorf("--minimize-after %v is negative; give a duration such as 720h, or 0 to keep requests as they are", c.minimizeAfter)
	case c.minimizeAfter == 0:
		return nil, nil
	}
	var key []byte
	switch {
	case c.minimizeKeyHex != "":
		k, err := hex.DecodeString(c.minimizeKeyHex)
		if err != nil {
			return nil, errNotHex("--minimize-key", "GDPR_MINIMIZE_KEY")
		}
		key = k
	case c.keyHex != "":
		signing, err := hex.DecodeString(c.keyHex)
		if err != nil {
			return nil, errNotHex("--signing-key", "GDPR_SIGNING_KEY")
		}
		key = deriveKey(signing, "gdprkit minimization key")
	default:
		key = make([]byte, 32)
		rand.Read(key)
		log.Warn("minimization key is random: the keyed hashes of minimized requests will differ after a restart; set --minimize-key or --signing-key to keep them comparable")
	}
	if len(key) < 32 {
		return nil, fmt.Errorf("--minimize-key has %d bytes; give 32 or more (64 hex digits)", len(key))
	}
	return processor.WithMinimization(c.minimizeAfter, key), nil
}

// deriveKey derives the key of one purpose from the signing key, so that
// replicas given one --signing-key agree on it and no purpose's key tells
// another's.
func deriveKey(signing []byte, purpose string) []byte {
	mac := hmac.New(sha256.New, signing)
	mac.Write([]byte(purpose))
	return mac.Sum(nil)
}
