package server

import (
	"strconv"
	"testing"
	"time"
)

func TestTokenCacheBounded(t *testing.T) {
	t.Parallel()
	c := newTokenCache()
	now := time.Unix(1_700_000_000, 0)
	for i := range 5 * maxCachedTokens {
		c.put("p"+strconv.Itoa(i), "sig", principal{org: "o", expires: now.Add(time.Hour)}, now)
		if len(c.m) > maxCachedTokens {
			t.Fatalf("after %d tokens the cache holds %d, over %d", i+1, len(c.m), maxCachedTokens)
		}
	}
	last := "p" + strconv.Itoa(5*maxCachedTokens-1)
	if _, ok := c.get(last, "sig", now); !ok {
		t.Error("the token put last is not found")
	}
	if _, ok := c.get(last, "sih", now); ok {
		t.Error("a token with another signature is found")
	}
	if _, ok := c.get(last, "sig", now.Add(time.Hour)); ok {
		t.Error("an expired token is found")
	}
}
