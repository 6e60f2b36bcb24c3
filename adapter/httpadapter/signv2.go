package httpadapter

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// signatureV2 returns the value of the Gdpr-Signature-V2 header of a
// call: "v2=" and the hex HMAC-SHA256, keyed by the shared secret, of the
// method, the route, the timestamp, the nonce and the hex SHA-256 of the
// body, each followed by a newline. It covers the headers only, so that a
// service can refuse an unsigned call before it reads the body, and the
// body through its digest, checked once the body is read.
func signatureV2(secret []byte, method, route string, ts int64, nonce, digest string) string {
	m := hmac.New(sha256.New, secret)
	fmt.Fprintf(m, "%s\n/%s\n%d\n%s\n%s\n", method, route, ts, nonce, digest)
	return "v2=" + hex.EncodeToString(m.Sum(nil))
}

// bodyDigest is the hex SHA-256 of a body, as Gdpr-Content-Sha256 holds it.
func bodyDigest(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// signBoth sets the headers of both signatures of a call made at now,
// with a new nonce: v1 for services that know only it, v2 for those that
// check the headers before the body and refuse a replayed nonce.
func signBoth(h http.Header, secret []byte, method, route string, now time.Time, body []byte) {
	sign(h, secret, method, route, now, body)
	var n [16]byte
	rand.Read(n[:])
	nonce, digest := hex.EncodeToString(n[:]), bodyDigest(body)
	h.Set(headerNonce, nonce)
	h.Set(headerDigest, digest)
	h.Set(headerSignatureV2, signatureV2(secret, method, route, now.Unix(), nonce, digest))
}

// More reasons a call is not authenticated.
var (
	errNoNonce    = errors.New("the call has no valid Gdpr-Nonce (16 to 64 hex digits) or Gdpr-Content-Sha256 (64 hex digits) header")
	errBadDigest  = errors.New("the body's SHA-256 is not the one the call was signed with: the body was altered")
	errReplayed   = errors.New("the call's nonce was seen before: a replayed call")
	errReplayFull = errors.New("too many calls within the window to remember their nonces")
)

// signedHeaders is what verifyHeaders read from a call.
type signedHeaders struct {
	ts            int64
	nonce, digest string
}

// verifyHeaders checks that a call's headers carry a v2 signature of
// method and route with one of secrets, at a time within window of now,
// before its body is read. It compares with every secret in constant time.
func verifyHeaders(h http.Header, secrets [][]byte, method, route string, now time.Time, window time.Duration) (signedHeaders, error) {
	stamp, sig := h.Get(headerTimestamp), h.Get(headerSignatureV2)
	nonce, digest := h.Get(headerNonce), h.Get(headerDigest)
	if stamp == "" || sig == "" {
		return signedHeaders{}, errNoSignature
	}
	if !isHex(nonce, 16, 64) || !isHex(digest, 64, 64) {
		return signedHeaders{}, errNoNonce
	}
	ts, err := strconv.ParseInt(stamp, 10, 64)
	if err != nil {
		return signedHeaders{}, errBadStamp
	}
	if d := now.Sub(time.Unix(ts, 0)); d > window || d < -window {
		return signedHeaders{}, errStale
	}
	ok := false
	for _, secret := range secrets {
		if hmac.Equal([]byte(sig), []byte(signatureV2(secret, method, route, ts, nonce, digest))) {
			ok = true
		}
	}
	if !ok {
		return signedHeaders{}, errBadSig
	}
	return signedHeaders{ts: ts, nonce: nonce, digest: digest}, nil
}

// isHex reports whether s is lowercase hex of min to max digits.
func isHex(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
