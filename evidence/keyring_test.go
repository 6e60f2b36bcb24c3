package evidence_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/memstore"
)

// keyID is the "name+hash" beginning of a public key, as signatures name it.
func keyID(public string) string {
	name, rest, _ := strings.Cut(public, "+")
	hash, _, _ := strings.Cut(rest, "+")
	return name + "+" + hash
}

func verifier(t *testing.T, k *evidence.Key) note.Verifier {
	t.Helper()
	v, err := evidence.Verifier(k.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// A replaced key's chain goes on under the new key when the old public key
// is given, and only then; verifiers given both keys accept what each
// signed, and nothing a third key signed.
func TestKeyRotation(t *testing.T) {
	ctx := t.Context()
	s := memstore.New()
	a, b, c := newKey(t), newKey(t), newKey(t)
	before := &evidence.Checkpointer{Log: s, Key: a, Now: func() time.Time { return t0 }}
	old := finishedV2(t, s, "acme", "req-a")
	if _, err := before.Checkpoint(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	finishedV2(t, s, "acme", "req-a2")
	lastA, err := before.Checkpoint(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	receiptA, err := before.Receipt(ctx, old)
	if err != nil {
		t.Fatal(err)
	}
	finishedV2(t, s, "acme", "req-b")

	// The new key alone refuses to sign onto the old key's chain, and
	// says which checkpoint and key stop it.
	alone := &evidence.Checkpointer{Log: s, Key: b}
	for name, err := range map[string]error{"CheckKeys": alone.CheckKeys(ctx), "Checkpoint": second(alone.Checkpoint(ctx, "acme"))} {
		if !errors.Is(err, evidence.ErrUnknownKey) || !strings.Contains(err.Error(), `checkpoint 2 of "acme"`) ||
			!strings.Contains(err.Error(), keyID(a.PublicKey())) || !strings.Contains(err.Error(), "retired key") {
			t.Errorf("%s with the new key alone = %v; want ErrUnknownKey naming checkpoint 2 and the old key", name, err)
		}
	}
	if cp, _ := s.LastCheckpoint(ctx, "acme"); cp.Seq != lastA.Seq {
		t.Fatalf("the new key alone stored checkpoint %d", cp.Seq)
	}

	after := &evidence.Checkpointer{Log: s, Key: b, Retired: []string{a.PublicKey()}, Now: func() time.Time { return t0 }}
	if err := after.CheckKeys(ctx); err != nil {
		t.Fatalf("CheckKeys with the old key retired: %v", err)
	}
	// A receipt signed by the new key, of a request the old key's last
	// checkpoint covers: it carries that checkpoint.
	receiptB, err := after.Receipt(ctx, old)
	if err != nil {
		t.Fatal(err)
	}
	firstB, err := after.Checkpoint(ctx, "acme")
	if err != nil {
		t.Fatalf("Checkpoint with the old key retired: %v", err)
	}
	st, err := evidence.OpenCheckpoint(firstB.Note, verifier(t, b))
	if err != nil || st.Seq != lastA.Seq+1 || st.Prev != evidence.NoteHash(lastA.Note) {
		t.Fatalf("the new key's first checkpoint = %+v, %v; want number %d naming the old key's last", st, err, lastA.Seq+1)
	}

	rep, err := evidence.Verify(ctx, s, verifier(t, b), "acme", evidence.VerifyOptions{Retired: []string{a.PublicKey()}})
	wantKeys := []evidence.KeySpan{{Key: keyID(a.PublicKey()), First: 1, Last: lastA.Seq}, {Key: keyID(b.PublicKey()), First: firstB.Seq, Last: firstB.Seq}}
	if err != nil || rep.Events != 12 || rep.Checkpoints != firstB.Seq || rep.Covered != 12 || !equalSpans(rep.Keys, wantKeys) {
		t.Fatalf("Verify with both keys = %+v, %v; want 12 events, %d checkpoints, keys %+v", rep, err, firstB.Seq, wantKeys)
	}
	var ee *evidence.Error
	_, err = evidence.Verify(ctx, s, verifier(t, b), "acme", evidence.VerifyOptions{})
	if !errors.As(err, &ee) || ee.Kind != evidence.KindSignature || ee.Checkpoint != 1 || !strings.Contains(ee.Reason, keyID(a.PublicKey())) {
		t.Errorf("Verify with the new key alone = %v; want a signature error at checkpoint 1 naming the old key", err)
	}
	for name, r := range map[string][]byte{"made before": receiptA, "made after": receiptB} {
		if _, err := evidence.VerifyReceipt(r, b.PublicKey(), a.PublicKey()); err != nil {
			t.Errorf("receipt %s the rotation, with both keys: %v", name, err)
		}
		if _, err := evidence.VerifyReceipt(r, b.PublicKey()); err == nil {
			t.Errorf("receipt %s the rotation verified with the new key alone", name)
		}
	}
	doc, err := after.Consistency(ctx, "acme", 1, firstB.Seq)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := evidence.VerifyConsistency(doc, b.PublicKey(), a.PublicKey()); err != nil {
		t.Errorf("consistency across the rotation, with both keys: %v", err)
	}
	if _, _, err := evidence.VerifyConsistency(doc, b.PublicKey()); err == nil {
		t.Error("consistency across the rotation verified with the new key alone")
	}

	// A third key, not listed, signs on: what it signed fails.
	finishedV2(t, s, "acme", "req-c")
	if _, err := (&evidence.Checkpointer{Log: s, Key: c, Retired: []string{a.PublicKey(), b.PublicKey()}}).Checkpoint(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	rep, err = evidence.Verify(ctx, s, verifier(t, b), "acme", evidence.VerifyOptions{Retired: []string{a.PublicKey()}})
	if !errors.As(err, &ee) || ee.Kind != evidence.KindSignature || ee.Checkpoint != firstB.Seq+1 ||
		!strings.Contains(ee.Reason, "not signed by the evidence key") || !strings.Contains(ee.Reason, keyID(c.PublicKey())) || rep.Checkpoints != firstB.Seq {
		t.Errorf("Verify over a checkpoint of an unlisted key = %+v, %v; want a signature error at checkpoint %d naming it", rep, err, firstB.Seq+1)
	}
	if _, err := evidence.Verify(ctx, s, verifier(t, b), "acme", evidence.VerifyOptions{Retired: []string{"not a key"}}); err == nil || !strings.Contains(err.Error(), "retired key 1") {
		t.Errorf("Verify with a retired key that is not a key = %v", err)
	}
}

// Whoever has an old key that leaked cannot sign onto the chain after
// the rotation: what a retired key signs after the current key's first
// checkpoint fails, as does a receipt or proof that puts it there.
func TestRetiredKeySignsNothingAfterTheRotation(t *testing.T) {
	ctx := t.Context()
	s := memstore.New()
	a, b := newKey(t), newKey(t)
	job := finishedV2(t, s, "acme", "req-1")
	if _, err := (&evidence.Checkpointer{Log: s, Key: a}).Checkpoint(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	finishedV2(t, s, "acme", "req-2")
	if _, err := (&evidence.Checkpointer{Log: s, Key: b, Retired: []string{a.PublicKey()}}).Checkpoint(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	leaked := &evidence.Checkpointer{Log: s, Key: a, Retired: []string{b.PublicKey()}}
	receipt, err := leaked.Receipt(ctx, job) // carries the current key's checkpoint 2
	if err != nil {
		t.Fatal(err)
	}
	finishedV2(t, s, "acme", "req-3")
	if _, err := leaked.Checkpoint(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	retired := evidence.VerifyOptions{Retired: []string{a.PublicKey()}}
	var ee *evidence.Error
	if _, err := evidence.Verify(ctx, s, verifier(t, b), "acme", retired); !errors.As(err, &ee) || ee.Kind != evidence.KindSignature || ee.Checkpoint != 3 || !strings.Contains(ee.Reason, "retired key") {
		t.Errorf("Verify over the retired key's checkpoint after the rotation = %v; want a signature error at checkpoint 3", err)
	}
	if _, err := evidence.VerifyReceipt(receipt, b.PublicKey(), a.PublicKey()); err == nil || !strings.Contains(err.Error(), "retired key") {
		t.Errorf("VerifyReceipt of the retired key's receipt over the current key's checkpoint = %v", err)
	}
	doc, err := leaked.Consistency(ctx, "acme", 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := evidence.VerifyConsistency(doc, b.PublicKey(), a.PublicKey()); err == nil || !strings.Contains(err.Error(), "retired key") {
		t.Errorf("VerifyConsistency from the current key's checkpoint to the retired key's = %v", err)
	}
}

func second[T any](_ T, err error) error { return err }

func equalSpans(a, b []evidence.KeySpan) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestParsePublicKeys(t *testing.T) {
	a, b := newKey(t).PublicKey(), newKey(t).PublicKey()
	keys, err := evidence.ParsePublicKeys("# current\n" + a + "\n\n  " + b + "  \n")
	if err != nil || len(keys) != 2 || keys[0] != a || keys[1] != b {
		t.Errorf("ParsePublicKeys = %q, %v; want both keys in order", keys, err)
	}
	if _, err := evidence.ParsePublicKeys(a + "\nPRIVATE+KEY+x\n"); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("ParsePublicKeys with a bad line = %v; want it named", err)
	}
	if _, err := evidence.ParsePublicKeys("\n# nothing\n"); err == nil {
		t.Error("ParsePublicKeys of no key succeeded")
	}
}

// A FileSink gives back what it holds: none before its first checkpoint,
// then each one appended, in order.
func TestFileSinkCheckpoints(t *testing.T) {
	ctx := t.Context()
	sink := &evidence.FileSink{Path: filepath.Join(t.TempDir(), "checkpoints.jsonl")}
	if cps, err := sink.Checkpoints(ctx); err != nil || len(cps) != 0 {
		t.Fatalf("Checkpoints of a sink not written yet = %v, %v; want none", cps, err)
	}
	want := []store.Checkpoint{
		{Org: "acme", Seq: 1, Size: 4, Time: t0, Note: []byte("one\n")},
		{Org: "globex", Seq: 1, Size: 2, Time: t0.Add(time.Second), Note: []byte("two\n")},
	}
	for _, cp := range want {
		if err := sink.Append(ctx, cp); err != nil {
			t.Fatal(err)
		}
	}
	got, err := sink.Checkpoints(ctx)
	if err != nil || len(got) != len(want) {
		t.Fatalf("Checkpoints = %v, %v; want %d", got, err, len(want))
	}
	for i := range want {
		if got[i].Org != want[i].Org || got[i].Seq != want[i].Seq || got[i].Size != want[i].Size ||
			!got[i].Time.Equal(want[i].Time) || string(got[i].Note) != string(want[i].Note) {
			t.Errorf("checkpoint %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
