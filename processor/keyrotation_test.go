package processor_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store/sqlstore"
)

// started is a processor over the SQLite database at path, running until
// stop, which also closes the database: one start of a server.
type started struct {
	p    *processor.Processor
	st   *sqlstore.Store
	stop func()
}

func startSQLite(t *testing.T, path string, opts ...processor.Option) started {
	t.Helper()
	st, err := sqlstore.OpenSQLite(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := processor.New(st, demoAdapters(t), append([]processor.Option{processor.WithStorePoll(5 * time.Millisecond)}, opts...)...)
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cancel()
			<-done
			st.Close()
		}
	}
	t.Cleanup(stop)
	return started{p: p, st: st, stop: stop}
}

func demoAdapters(t *testing.T) []adapter.Adapter {
	t.Helper()
	as, err := demo.ProcessorAdapters()
	if err != nil {
		t.Fatal(err)
	}
	return as
}

// erase runs an erasure request of acme to its end and returns its id.
func erase(t *testing.T, p *processor.Processor) string {
	t.Helper()
	ctx := gdpr.ContextWithOrganization(context.Background(), "acme")
	req, err := p.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
		Subject: gdpr.Subject{EmailAddresses: []string{"alex.morgan@example.org"}}})
	if err != nil {
		t.Fatal(err)
	}
	testkit.WaitDone(ctx, t, p, req.ID)
	return req.ID
}

// A processor restarted with a new evidence key goes on signing the
// chain the old key signed, given the old public key, and refuses to run
// without it.
func TestEvidenceKeyRotation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gdpr.db")
	ctx := gdpr.ContextWithOrganization(context.Background(), "acme")
	a, b := evidenceKey(t), evidenceKey(t)

	s := startSQLite(t, path, processor.WithEvidence(a, nil))
	idA := erase(t, s.p)
	receiptA, err := s.p.Receipt(ctx, idA)
	if err != nil {
		t.Fatal(err)
	}
	lastA, err := s.p.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	checkA, err := s.p.CheckAudit(ctx, nil) // as the console does: a mark at the old key's last checkpoint
	if err != nil || checkA.Report.Mark.Checkpoint.Seq != lastA.Seq {
		t.Fatalf("CheckAudit with the old key = %+v, %v", checkA.Report, err)
	}
	s.stop()

	// The new key without the old public key: Run refuses at once,
	// saying what to pass, and signs nothing.
	st, err := sqlstore.OpenSQLite(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := processor.New(st, demoAdapters(t), processor.WithEvidence(b, nil))
	if err != nil {
		t.Fatal(err)
	}
	guard, cancel := context.WithTimeout(context.Background(), time.Minute) // a Run that does not refuse would not return
	refused := p.Run(guard)
	cancel()
	for _, want := range []string{`checkpoint ` + strconv.FormatInt(lastA.Seq, 10) + ` of "acme"`, keyPrefix(a.PublicKey()), "WithRetiredEvidenceKeys"} {
		if !errors.Is(refused, evidence.ErrUnknownKey) || !strings.Contains(refused.Error(), want) {
			t.Errorf("Run with a new key alone = %v; want ErrUnknownKey saying %q", refused, want)
		}
	}
	if cp, err := st.LastCheckpoint(context.Background(), "acme"); err != nil || cp.Seq != lastA.Seq {
		t.Errorf("after the refusal the last checkpoint is %+v, %v; want the old key's %d", cp, err, lastA.Seq)
	}
	st.Close()

	// With the old key retired, the new key signs on.
	s = startSQLite(t, path, processor.WithEvidence(b, nil), processor.WithRetiredEvidenceKeys(a.PublicKey(), b.PublicKey()))
	if got := s.p.RetiredPublicKeys(); !slices.Equal(got, []string{a.PublicKey()}) {
		t.Errorf("RetiredPublicKeys = %q; want the old key alone (the current one is not retired)", got)
	}
	idB := erase(t, s.p)
	receiptB, err := s.p.Receipt(ctx, idB)
	if err != nil {
		t.Fatal(err)
	}
	lastB, err := s.p.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := s.p.Consistency(ctx, lastA.Seq, lastB.Seq)
	if err != nil {
		t.Fatal(err)
	}

	vb, _ := evidence.Verifier(b.PublicKey())
	head, _, err := s.st.ChainHead(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := evidence.Verify(context.Background(), s.st, vb, "acme", evidence.VerifyOptions{Retired: []string{a.PublicKey()}})
	if err != nil || rep.Events != head || rep.Checkpoints != lastB.Seq || len(rep.Keys) != 2 ||
		rep.Keys[0].Key != keyPrefix(a.PublicKey()) || rep.Keys[0].Last != lastA.Seq || rep.Keys[1].First != lastA.Seq+1 {
		t.Fatalf("Verify with both keys = %+v, %v; want %d events, %d checkpoints, the old key's up to %d", rep, err, head, lastB.Seq, lastA.Seq)
	}
	first, err := s.st.Checkpoints(context.Background(), "acme", lastA.Seq, 1)
	if err != nil || len(first) != 1 {
		t.Fatal(err)
	}
	if stB, err := evidence.OpenCheckpoint(first[0].Note, vb); err != nil || stB.Prev != evidence.NoteHash(lastA.Note) {
		t.Errorf("the new key's first checkpoint = %+v, %v; want it signed by the new key, naming the old key's last", stB, err)
	}
	for name, r := range map[string][]byte{"old key's": receiptA, "new key's": receiptB} {
		if _, err := evidence.VerifyReceipt(r, b.PublicKey(), a.PublicKey()); err != nil {
			t.Errorf("the %s receipt with both keys: %v", name, err)
		}
	}
	if _, err := evidence.VerifyReceipt(receiptA, b.PublicKey()); err == nil {
		t.Error("the old key's receipt verified with the new key alone")
	}
	if older, newer, err := evidence.VerifyConsistency(doc, b.PublicKey(), a.PublicKey()); err != nil || older.Seq != lastA.Seq || newer.Seq != lastB.Seq {
		t.Errorf("consistency across the rotation = %d, %d, %v", older.Seq, newer.Seq, err)
	}

	// The console's checks know the retired key: the whole chain, from
	// the old key's mark across the rotation, and from the new key's.
	full, err := s.p.CheckAudit(ctx, nil)
	if err != nil || full.Report.Checkpoints != lastB.Seq {
		t.Fatalf("CheckAudit after the rotation = %+v, %v; want %d checkpoints", full.Report, err, lastB.Seq)
	}
	if across, err := s.p.CheckAudit(ctx, &checkA.Report.Mark); err != nil || across.Report.Checkpoints != lastB.Seq-lastA.Seq {
		t.Errorf("CheckAudit from the old key's mark = %+v, %v; want the %d checkpoints after it", across.Report, err, lastB.Seq-lastA.Seq)
	}
	// The console names the checkpoint that signs an old request's
	// events: the old key's, across the rotation.
	evsA, err := s.p.Audit(ctx, idA)
	if err != nil {
		t.Fatal(err)
	}
	if cov, err := s.p.CheckpointCovering(ctx, evsA[len(evsA)-1].Seq, lastB.Seq); err != nil || cov == nil || cov.Seq > lastA.Seq {
		t.Errorf("CheckpointCovering of the old key's request after the rotation = %+v, %v; want a checkpoint the old key signed", cov, err)
	}
	idB2 := erase(t, s.p)
	if _, err := s.p.Receipt(ctx, idB2); err != nil {
		t.Fatal(err)
	}
	if since, err := s.p.CheckAudit(ctx, &full.Report.Mark); err != nil || since.Report.Checkpoints != 1 {
		t.Errorf("CheckAudit since the mark after the rotation = %+v, %v; want the one new checkpoint", since.Report, err)
	}
}

func TestRetiredEvidenceKeysOptions(t *testing.T) {
	_, pub, _ := evidence.GenerateKey()
	for _, c := range []struct {
		name string
		opts []processor.Option
		says string
	}{
		{"not a key", []processor.Option{processor.WithEvidence(evidenceKey(t), nil), processor.WithRetiredEvidenceKeys(pub, "PRIVATE+KEY+x")}, "WithRetiredEvidenceKeys: key 2"},
		{"without WithEvidence", []processor.Option{processor.WithRetiredEvidenceKeys(pub)}, "needs WithEvidence"},
	} {
		if _, err := demo.Processor(c.opts...); err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: New = %v; want an error saying %q", c.name, err, c.says)
		}
	}
}

// keyPrefix is the "name+hash" beginning of a public key, as its
// signatures name it.
func keyPrefix(public string) string {
	name, rest, _ := strings.Cut(public, "+")
	hash, _, _ := strings.Cut(rest, "+")
	return name + "+" + hash
}
