package httpadapter

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// MinSecretLen is the shortest shared secret New and Handler accept.
const MinSecretLen = 16

// DefaultWindow is how far a call's timestamp may be from the receiving
// service's clock, either way, by default.
const DefaultWindow = 5 * time.Minute

// signature returns the value of the Gdpr-Signature header of a call:
// "v1=" and the hex HMAC-SHA256, keyed by the shared secret, of the
// method, the route, the timestamp and the body, each of the first three
// followed by a newline.
func signature(secret []byte, method, route string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, secret)
	fmt.Fprintf(m, "%s\n/%s\n%d\n", method, route, ts)
	m.Write(body)
	return "v1=" + hex.EncodeToString(m.Sum(nil))
}

// sign sets the timestamp and signature headers of a call made at now.
func sign(h http.Header, secret []byte, method, route string, now time.Time, body []byte) {
	ts := now.Unix()
	h.Set(headerTimestamp, strconv.FormatInt(ts, 10))
	h.Set(headerSignature, signature(secret, method, route, ts, body))
}

// Reasons a call is not authenticated. They go to the handler's log and
// to the caller.
var (
	errNoSignature = errors.New("the call is not signed (Gdpr-Timestamp and Gdpr-Signature headers)")
	errBadStamp    = errors.New("the Gdpr-Timestamp header is not a Unix time in seconds")
	errStale       = errors.New("the call's timestamp is outside the window: replayed, or the clocks differ")
	errBadSig      = errors.New("the signature does not match: another secret (or one the service no longer accepts), or the call was altered")
)
