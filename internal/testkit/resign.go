package testkit

import (
	"strings"
	"testing"

	"github.com/gdprkit/gdpr/evidence"
)

// Resign returns the signed checkpoint note saying the same statement,
// signed instead by a new key, which it returns too: a checkpoint forged
// by whoever holds the database but not the evidence key.
func Resign(t testing.TB, note []byte) ([]byte, *evidence.Key) {
	t.Helper()
	text, _, _ := strings.Cut(string(note), "\n\n")
	st, err := evidence.ParseStatement(text + "\n")
	if err != nil {
		t.Fatal(err)
	}
	priv, _, err := evidence.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	other, err := evidence.ParseKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := other.Sign(st)
	if err != nil {
		t.Fatal(err)
	}
	return forged, other
}
