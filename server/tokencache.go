package server

import (
	"crypto/subtle"
	"strings"
	"sync"
	"time"
)

// maxCachedTokens bounds the tokens a tokenCache holds.
const maxCachedTokens = 1024

// tokenCache remembers the principals of bearer tokens whose signature
// verified, so that a token sent again is not verified again. It is safe
// for concurrent use.
//
// An entry is found by the token's payload, the part before the '.',
// which is not secret: anyone holding the token can read it. A hit also
// needs the signature sent to equal, compared in constant time, the one
// that verified; any other signature, a forgery included, misses and is
// verified in full. An entry is used only until its token expires, and
// the cache holds at most maxCachedTokens entries.
type tokenCache struct {
	mu sync.RWMutex
	m  map[string]cachedToken
}

// cachedToken is a verified token's signature, as sent, and principal.
type cachedToken struct {
	sig string
	p   principal
}

func newTokenCache() *tokenCache {
	return &tokenCache{m: make(map[string]cachedToken)}
}

// get returns the principal of the token payload.sig when it verified
// before and has not expired at now.
func (c *tokenCache) get(payload, sig string, now time.Time) (principal, bool) {
	c.mu.RLock()
	e, ok := c.m[payload]
	c.mu.RUnlock()
	if !ok || !equalConstantTime(e.sig, sig) || !now.Before(e.p.expires) {
		return principal{}, false
	}
	return e.p, true
}

// put remembers that the token payload.sig verified as p. When the cache
// is full it drops the expired entries, or every entry if that frees less
// than a quarter of it.
func (c *tokenCache) put(payload, sig string, p principal, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxCachedTokens {
		for k, e := range c.m {
			if !now.Before(e.p.expires) {
				delete(c.m, k)
			}
		}
		if len(c.m) > maxCachedTokens*3/4 {
			clear(c.m)
		}
	}
	c.m[strings.Clone(payload)] = cachedToken{sig: strings.Clone(sig), p: p}
}

// equalConstantTime reports whether a and b are equal, in a time that
// depends on their lengths only.
func equalConstantTime(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	var v byte
	for i := range len(a) {
		v |= a[i] ^ b[i]
	}
	return subtle.ConstantTimeByteEq(v, 0) == 1
}
