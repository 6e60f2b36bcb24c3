package evidence

import (
	"fmt"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

// The streaming root Verify computes is tlog's RFC 6962 tree hash, at
// every size.
func TestFrontierIsTreeHash(t *testing.T) {
	var (
		f      frontier
		stored []tlog.Hash
	)
	r := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = stored[x]
		}
		return out, nil
	})
	for n := int64(0); n < 130; n++ {
		data := fmt.Appendf(nil, "event %d", n)
		hs, err := tlog.StoredHashes(n, data, r)
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, hs...)
		f.add(tlog.RecordHash(data))
		want, err := tlog.TreeHash(n+1, r)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.root(); got != want {
			t.Fatalf("root of %d leaves = %v, tlog says %v", n+1, got, want)
		}
	}
}
