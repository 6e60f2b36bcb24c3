package server

import (
	"bytes"
	"crypto/pbkdf2"
	"crypto/sha256"
	"testing"
)

// The yielding PBKDF2 of secret checks equals the standard library's.
func TestPBKDF2EqualsTheStandardLibrary(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		secret string
		salt   string
		iter   int
		keyLen int
	}{
		{"password", "salt", 1, 32},
		{"password", "salt", 2, 32},
		{"correct-horse-battery-staple", "0123456789abcdef", yieldEvery*2 + 3, 32},
		{"", "salt", 10, 20},
		{"long secret", "salt", 5, 70}, // more than one block
	} {
		want, err := pbkdf2.Key(sha256.New, c.secret, []byte(c.salt), c.iter, c.keyLen)
		if err != nil {
			t.Fatal(err)
		}
		if got := pbkdf2SHA256(c.secret, []byte(c.salt), c.iter, c.keyLen); !bytes.Equal(got, want) {
			t.Errorf("%q, %d iterations, %d bytes: %x, want %x", c.secret, c.iter, c.keyLen, got, want)
		}
	}
}
