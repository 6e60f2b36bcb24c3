package sqlstore_test

import (
	"context"
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
// round of BenchmarkEvidence.
const evidenceRound = 200

// BenchmarkEvidence measures GDPR_DELETE from create to COMPLETED on two
// processors side by side, each on a database of its own: one without
// evidence, one signing checkpoints as requests finish (WithEvidence).
// They take turns, in rounds of 200 requests whose order alternates, so
// that a load changing during the run on a shared machine favours
// neither. After each round of the second, the signed receipt of each of
// its requests is asked for (Processor.Receipt, by 16 callers): the first
// caller signs the checkpoint due, with the receipts of all the requests
// it covers, and the others read theirs. It reports without-req/s, with-req/s and their
// ratio with/without, receipts/s, and with+receipts-req/s: the requests of
// the second from create to COMPLETED and their receipts made.
func BenchmarkEvidence(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			k, _, err := evidence.LoadOrCreateKey(filepath.Join(b.TempDir(), "evidence.key"))
			if err != nil {
				b.Fatal(err)
			}
			plain := newEvidenceRig(b, benchStores(b, dialect, 1)[0], b.N)
			signed := newEvidenceRig(b, benchStores(b, dialect, 1)[0], b.N, processor.WithEvidence(k, nil))
			var tPlain, tSigned, tReceipts time.Duration
			b.ResetTimer()
			for done, i := 0, 0; done < b.N; i++ {
				n := min(evidenceRound, b.N-done)
				if i%2 == 0 {
					tPlain += plain.round(b, done, n)
					tSigned += signed.round(b, done, n)
				} else {
					tSigned += signed.round(b, done, n)
					tPlain += plain.round(b, done, n)
				}
				tReceipts += signed.receipts(b, done, n)
				done += n
			}
			b.StopTimer()
			perSec := func(d time.Duration) float64 { return float64(b.N) / d.Seconds() }
			b.ReportMetric(perSec(tPlain), "without-req/s")
			b.ReportMetric(perSec(tSigned), "with-req/s")
			b.ReportMetric(tPlain.Seconds()/tSigned.Seconds(), "with/without")
			b.ReportMetric(perSec(tReceipts), "receipts/s")
			b.ReportMetric(perSec(tSigned+tReceipts), "with+receipts-req/s")
			b.ReportMetric(tPlain.Seconds()/(tSigned+tReceipts).Seconds(), "with+receipts/without")
		})
	}
}

// evidenceRig is a running processor over one store, with the ids of the
// requests it was given.
type evidenceRig struct {
	p     *processor.Processor
	final *roundCounter
	ids   []string
}

func newEvidenceRig(b *testing.B, st store.Store, n int, opts ...processor.Option) *evidenceRig {
	r := &evidenceRig{final: &roundCounter{changed: make(chan struct{}, 1)}, ids: make([]string, n)}
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
// returns the time until all are final.
func (r *evidenceRig) round(b *testing.B, from, n int) time.Duration {
	start := time.Now()
	concurrently(b, from, n, func(i int) error {
		req, err := r.p.CreateRequest(context.Background(), gdpr.RequestSpec{Type: gdpr.RequestDelete, Subject: spec(i).Subject, DeleteConfirmed: true})
		if err == nil {
			r.ids[i] = req.ID
		}
		return err
	})
	r.final.wait(b, int64(from+n))
	return time.Since(start)
}

// receipts makes the receipts of requests from to from+n and returns the
// time it took.
func (r *evidenceRig) receipts(b *testing.B, from, n int) time.Duration {
	start := time.Now()
	concurrently(b, from, n, func(i int) error {
		_, err := r.p.Receipt(context.Background(), r.ids[i])
		return err
	})
	return time.Since(start)
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
