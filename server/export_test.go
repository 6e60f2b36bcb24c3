package server

import "testing"

// CheapHash returns a secret hash cheap enough for tests.
func CheapHash(t testing.TB, secret string) string {
	t.Helper()
	h, err := hashSecret(secret, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
