package sqlstore_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store"
)

// TestReplicasCheckpoints runs three processors with one evidence key over
// one PostgreSQL database, each signing checkpoints as requests finish:
// their checkpoints form one chain per organization, which verifies and
// signs every event, and each replica's sink holds checkpoints of that
// chain. Every replica then makes the same receipt of each request,
// whichever ran it, and it verifies.
func TestReplicasCheckpoints(t *testing.T) {
	dsn := postgresDSN(t)
	schema := testSchema(t, dsn)
	const n, replicas = 90, 3
	k, _, err := evidence.LoadOrCreateKey(filepath.Join(t.TempDir(), "evidence.key"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var (
		ps    []*processor.Processor
		sinks []*evidence.FileSink
	)
	done := make(chan error, replicas)
	for range replicas {
		s := openPostgres(t, dsn, schema)
		sink := &evidence.FileSink{Path: filepath.Join(t.TempDir(), "checkpoints.jsonl")}
		p, err := processor.New(s, newAdapters(t, n, nil), processor.WithStorePoll(10*time.Millisecond),
			processor.WithEvidence(k, sink), processor.WithCheckpointInterval(20*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		ps, sinks = append(ps, p), append(sinks, sink)
		go func() { done <- p.Run(ctx) }()
	}
	orgs := []string{"acme", "globex"}
	ids := make([]string, n)
	for i := range n {
		octx := gdpr.ContextWithOrganization(ctx, orgs[i%2])
		req, err := ps[i%replicas].CreateRequest(octx, spec(i))
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = req.ID
	}
	st := openPostgres(t, dsn, schema)
	for _, org := range orgs {
		for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(10 * time.Millisecond) {
			_, open, err := st.List(context.Background(), org, store.Filter{Open: true, Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			if open == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s still has %d open requests", org, open)
			}
		}
	}
	cancel()
	for range replicas {
		<-done
	}
	var external []store.Checkpoint
	for _, s := range sinks {
		cps, err := evidence.ReadFileSink(s.Path)
		if err != nil {
			t.Fatal(err)
		}
		external = append(external, cps...)
	}
	v, _ := evidence.Verifier(k.PublicKey())
	for _, org := range orgs {
		rep, err := evidence.Verify(context.Background(), st, v, org, evidence.VerifyOptions{External: external})
		if err != nil {
			t.Fatalf("Verify(%s): %v", org, err)
		}
		if rep.Covered != rep.Events || rep.Checkpoints < 2 {
			t.Errorf("%s: %+v; want every event signed, by more than one checkpoint", org, rep)
		}
		t.Logf("%s: %d events, %d checkpoints", org, rep.Events, rep.Checkpoints)
	}
	last := map[string]int64{}
	for _, org := range orgs {
		cp, err := st.LastCheckpoint(context.Background(), org)
		if err != nil {
			t.Fatal(err)
		}
		last[org] = cp.Seq
	}
	for i, id := range ids {
		octx := gdpr.ContextWithOrganization(context.Background(), orgs[i%2])
		var first []byte
		for r, p := range ps {
			doc, err := p.Receipt(octx, id)
			if err != nil {
				t.Fatalf("replica %d: Receipt(%s): %v", r, id, err)
			}
			if first == nil {
				first = doc
				if _, err := evidence.VerifyReceipt(doc, k.PublicKey()); err != nil {
					t.Fatalf("the receipt of %s: %v", id, err)
				}
			} else if !bytes.Equal(doc, first) {
				t.Fatalf("replica %d made another receipt of %s than replica 0", r, id)
			}
		}
	}
	for _, org := range orgs {
		if cp, err := st.LastCheckpoint(context.Background(), org); err != nil || cp.Seq != last[org] {
			t.Errorf("%s: the receipts signed checkpoint %+v (%v); the stopped replicas had signed up to %d", org, cp, err, last[org])
		}
	}
}
