package evidence_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/store/memstore"
)

// history stores requests of acme named ids, signing a checkpoint after
// each group, and returns the store and its Checkpointer.
func history(t *testing.T, k *evidence.Key, groups ...[]string) (*memstore.Store, *evidence.Checkpointer) {
	t.Helper()
	s := memstore.New()
	c := &evidence.Checkpointer{Log: s, Key: k, Now: func() time.Time { return t0 }}
	for _, ids := range groups {
		for _, id := range ids {
			finished(t, s, "acme", id)
		}
		if _, err := c.Checkpoint(t.Context(), "acme"); err != nil {
			t.Fatal(err)
		}
	}
	return s, c
}

func consistency(t *testing.T, c *evidence.Checkpointer, from, to int64) evidence.Consistency {
	t.Helper()
	b, err := c.Consistency(t.Context(), "acme", from, to)
	if err != nil {
		t.Fatalf("Consistency(%d, %d): %v", from, to, err)
	}
	var doc evidence.Consistency
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func encode(t *testing.T, doc evidence.Consistency) []byte {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Every pair of checkpoints of one history is consistent, and the proof
// verifies with the public key alone.
func TestConsistencyOfOneHistory(t *testing.T) {
	k := newKey(t)
	_, c := history(t, k, []string{"a"}, []string{"b", "c"}, []string{"d"}, []string{"e", "f", "g"})
	for from := int64(1); from <= 4; from++ {
		for to := from + 1; to <= 4; to++ {
			b, err := c.Consistency(t.Context(), "acme", from, to)
			if err != nil {
				t.Fatalf("Consistency(%d, %d): %v", from, to, err)
			}
			older, newer, err := evidence.VerifyConsistency(b, k.PublicKey())
			if err != nil {
				t.Fatalf("VerifyConsistency(%d, %d): %v", from, to, err)
			}
			if older.Seq != from || newer.Seq != to || older.Org != "acme" || older.Size >= newer.Size {
				t.Errorf("VerifyConsistency(%d, %d) = %+v, %+v", from, to, older, newer)
			}
			if _, _, err := evidence.VerifyConsistency(b, newKey(t).PublicKey()); err == nil {
				t.Errorf("the proof of %d, %d verified with another key", from, to)
			}
		}
	}
	for _, bad := range [][2]int64{{0, 1}, {2, 2}, {3, 1}} {
		if _, err := c.Consistency(t.Context(), "acme", bad[0], bad[1]); err == nil {
			t.Errorf("Consistency(%d, %d) accepted", bad[0], bad[1])
		}
	}
	if _, err := c.Consistency(t.Context(), "acme", 1, 5); !errors.Is(err, evidence.ErrNoCheckpoint) {
		t.Errorf("Consistency to a checkpoint that does not exist = %v, want ErrNoCheckpoint", err)
	}
	if _, err := c.Consistency(t.Context(), "nobody", 1, 2); !errors.Is(err, evidence.ErrNoCheckpoint) {
		t.Errorf("Consistency of an organization without checkpoints = %v, want ErrNoCheckpoint", err)
	}
}

// A checkpoint of a forked or rewritten history, signed with the same key,
// is not consistent with one of the history a third party holds.
func TestConsistencyFindsAForkedHistory(t *testing.T) {
	k := newKey(t)
	_, held := history(t, k, []string{"a", "b", "c"}, []string{"d"})
	_, forked := history(t, k, []string{"x", "y", "z"}, []string{"d"})    // another history from the start
	_, rewritten := history(t, k, []string{"a", "b", "C"}, []string{"d"}) // the third request rewritten
	mine := consistency(t, held, 1, 2)
	if _, _, err := evidence.VerifyConsistency(encode(t, mine), k.PublicKey()); err != nil {
		t.Fatalf("the held history's own proof: %v", err)
	}
	for name, other := range map[string]*evidence.Checkpointer{"forked": forked, "rewritten": rewritten} {
		theirs := consistency(t, other, 1, 2)
		if _, _, err := evidence.VerifyConsistency(encode(t, theirs), k.PublicKey()); err != nil {
			t.Fatalf("the %s history's own proof: %v", name, err)
		}
		// The operator shows its new checkpoint and a proof from the
		// checkpoint the third party holds.
		doc := theirs
		doc.Old = mine.Old
		if _, _, err := evidence.VerifyConsistency(encode(t, doc), k.PublicKey()); err == nil || !strings.Contains(err.Error(), "does not extend") {
			t.Errorf("a %s history's checkpoint was consistent with the held one: %v", name, err)
		}
		doc = mine
		doc.New = theirs.New
		if _, _, err := evidence.VerifyConsistency(encode(t, doc), k.PublicKey()); err == nil {
			t.Errorf("the held proof verified to a %s history's checkpoint", name)
		}
	}
}

// Any proof hash changed, dropped or added, the checkpoints swapped, or a
// field of another kind fails.
func TestConsistencyProofAltered(t *testing.T) {
	k := newKey(t)
	_, c := history(t, k, []string{"a", "b", "c"}, []string{"d", "e"})
	good := consistency(t, c, 1, 2)
	if len(good.Proof) == 0 {
		t.Fatal("no proof hashes between 12 and 20 events")
	}
	alter := func(name string, f func(d *evidence.Consistency)) {
		d := good
		d.Proof = append([]string(nil), good.Proof...)
		f(&d)
		if _, _, err := evidence.VerifyConsistency(encode(t, d), k.PublicKey()); err == nil {
			t.Errorf("a proof with %s verified", name)
		}
	}
	for i := range good.Proof {
		for _, pos := range []int{0, 20, 42} {
			alter(fmt.Sprintf("hash %d changed at %d", i, pos), func(d *evidence.Consistency) {
				b := []byte(d.Proof[i])
				b[pos] ^= 0x01
				d.Proof[i] = string(b)
			})
		}
	}
	alter("a hash dropped", func(d *evidence.Consistency) { d.Proof = d.Proof[1:] })
	alter("a hash added", func(d *evidence.Consistency) { d.Proof = append(d.Proof, d.Proof[0]) })
	alter("the checkpoints swapped", func(d *evidence.Consistency) { d.Old, d.New = d.New, d.Old })
	alter("another organization", func(d *evidence.Consistency) { d.Organization = "globex" })
	alter("another format", func(d *evidence.Consistency) { d.Format = "gdprkit-consistency/0" })
	if _, _, err := evidence.VerifyConsistency([]byte(`{"format":"gdprkit-consistency/1","extra":1}`), k.PublicKey()); err == nil {
		t.Error("a document with an unknown field verified")
	}
}
