package sqlstore_test

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store"
)

// evidenceRound is how many requests each processor completes in one
// round of BenchmarkEvidence: a burst that its processor finishes, with
// its evidence, before the other takes its turn.
const evidenceRound = 1000

// BenchmarkEvidence measures GDPR_DELETE from create to COMPLETED on two
// processors side by side, each on a database of its own: one without
// evidence, one signing checkpoints and making receipts as requests
// finish (WithEvidence). They take turns, in rounds of 1,000 requests
// whose order alternates, so that a load changing during the run on a
// shared machine favours neither. A round of the second ends once its
// requests are final and their evidence is complete: each request's
// account event is on the chain, and a checkpoint covers it
// (Processor.Checkpoint signs what the checkpoint loop has not yet).
// Every receipt is then made from the store, apart from the round's
// time: one that needed a checkpoint signed, or that does not verify,
// fails the benchmark.
//
// It reports without-req/s, with-req/s and their ratio with/without;
// final-with/without, the same ratio up to the last request's COMPLETED,
// before the last checkpoint; tail-ms, that last checkpoint's time per
// round; and receipt-reads/s, every request's receipt made through
// Processor.Receipt by 16 callers after each round, apart from the
// rounds' times.
func BenchmarkEvidence(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			k, _, err := evidence.LoadOrCreateKey(filepath.Join(b.TempDir(), "evidence.key"))
			if err != nil {
				b.Fatal(err)
			}
			plain := newEvidenceRig(b, benchStores(b, dialect, 1)[0], b.N)
			signed := newEvidenceRig(b, benchStores(b, dialect, 1)[0], b.N, processor.WithEvidence(k, nil))
			var tReads time.Duration
			rounds := 0
			b.ResetTimer()
			for done := 0; done < b.N; rounds++ {
				n := min(evidenceRound, b.N-done)
				if rounds%2 == 0 {
					plain.round(b, done, n)
					signed.round(b, done, n)
				} else {
					signed.round(b, done, n)
					plain.round(b, done, n)
				}
				b.StopTimer()
				tReads += signed.receipts(b, done, n, k.PublicKey())
				b.StartTimer()
				done += n
			}
			b.StopTimer()
			perSec := func(d time.Duration) float64 { return float64(b.N) / d.Seconds() }
			tPlain, tSigned := plain.toFinal+plain.tail, signed.toFinal+signed.tail
			b.ReportMetric(perSec(tPlain), "without-req/s")
			b.ReportMetric(perSec(tSigned), "with-req/s")
			b.ReportMetric(tPlain.Seconds()/tSigned.Seconds(), "with/without")
			b.ReportMetric(plain.toFinal.Seconds()/signed.toFinal.Seconds(), "final-with/without")
			b.ReportMetric(float64(signed.tail.Milliseconds())/float64(rounds), "tail-ms")
			b.ReportMetric(perSec(tReads), "receipt-reads/s")
		})
	}
}

// evidenceRig is a running processor over one store, with the ids of the
// requests it was given.
type evidenceRig struct {
	p     *processor.Processor
	st    store.Store
	final *roundCounter
	ids   []string
	// toFinal is the time of its rounds up to their last request's
	// final status, tail the time after, until their evidence was
	// complete.
	toFinal, tail time.Duration
}

func newEvidenceRig(b *testing.B, st store.Store, n int, opts ...processor.Option) *evidenceRig {
	r := &evidenceRig{st: st, final: &roundCounter{changed: make(chan struct{}, 1)}, ids: make([]string, n)}
	p, err := processor.New(st, newAdapters(b, n, nil), append([]processor.Option{processor.WithLogger(slog.New(r.final))}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	r.p = p
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	b.Cleanup(func() { cancel(); <-done })
	return r
}

// round creates requests from to from+n, by concurrent callers, and
// waits until all are final and, with evidence, signed with their
// receipts.
func (r *evidenceRig) round(b *testing.B, from, n int) {
	start := time.Now()
	concurrently(b, from, n, func(i int) error {
		req, err := r.p.CreateRequest(context.Background(), gdpr.RequestSpec{Type: gdpr.RequestDelete, Subject: spec(i).Subject, DeleteConfirmed: true})
		if err == nil {
			r.ids[i] = req.ID
		}
		return err
	})
	r.final.wait(b, int64(from+n))
	final := time.Now()
	if _, err := r.p.Checkpoint(context.Background()); err != nil && !errors.Is(err, processor.ErrNoEvidence) {
		b.Fatal(err)
	}
	r.toFinal += final.Sub(start)
	r.tail += time.Since(final)
}

// receipts reads the receipts of requests from to from+n and returns the
// time it took. It fails b when one needed a checkpoint signed (the
// round's evidence was not complete) or when the first does not verify
// with public.
func (r *evidenceRig) receipts(b *testing.B, from, n int, public string) time.Duration {
	ctx := context.Background()
	cs := r.st.(store.CheckpointStore)
	before, err := cs.LastCheckpoint(ctx, "")
	if err != nil {
		b.Fatalf("no checkpoint at the end of the round: %v", err)
	}
	docs := make([][]byte, n)
	start := time.Now()
	concurrently(b, from, n, func(i int) error {
		var err error
		docs[i-from], err = r.p.Receipt(ctx, r.ids[i])
		return err
	})
	took := time.Since(start)
	if after, err := cs.LastCheckpoint(ctx, ""); err != nil || after.Seq != before.Seq {
		b.Fatalf("the receipts of the round signed checkpoint %d after %d (%v): its evidence was not complete at its end", after.Seq, before.Seq, err)
	}
	if _, err := evidence.VerifyReceipt(docs[0], public); err != nil {
		b.Fatalf("the receipt of %s: %v", r.ids[from], err)
	}
	return took
}

// concurrently runs f for from to from+n by creators goroutines.
func concurrently(b *testing.B, from, n int, f func(i int) error) {
	var next atomic.Int64
	next.Store(int64(from))
	var wg sync.WaitGroup
	errs := make(chan error, creators)
	for range creators {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < from+n; i = int(next.Add(1) - 1) {
				if err := f(i); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
}

// roundCounter is a slog.Handler counting the requests logged final, as
// finalCounter, that a benchmark waits on round by round.
type roundCounter struct {
	n       atomic.Int64
	changed chan struct{}
}

func (c *roundCounter) Enabled(context.Context, slog.Level) bool { return true }

func (c *roundCounter) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "request completed" || r.Message == "request failed" {
		c.n.Add(1)
		select {
		case c.changed <- struct{}{}:
		default:
		}
	}
	return nil
}

func (c *roundCounter) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *roundCounter) WithGroup(string) slog.Handler      { return c }

func (c *roundCounter) wait(b *testing.B, want int64) {
	deadline := time.After(5 * time.Minute)
	for c.n.Load() < want {
		select {
		case <-c.changed:
		case <-deadline:
			b.Fatalf("after 5 minutes, %d of %d requests are final", c.n.Load(), want)
		}
	}
}
