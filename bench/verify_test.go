package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/sqlstore"
)

// verifyChain is how many events BenchmarkAuditVerify's chain holds.
const verifyChain = 1_000_000

// BenchmarkAuditVerify verifies, as gdpr audit verify does, a SQLite
// store's chain of 1,000,000 events of one organization, signed by a
// checkpoint every 100,000 events, opened read-only. It reports events/s
// and the peak of the heap above what it was before (peak-MB): the
// verifier streams, so the peak must not grow with the chain.
func BenchmarkAuditVerify(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "gdpr.db")
	k, _, err := evidence.LoadOrCreateKey(filepath.Join(b.TempDir(), "evidence.key"))
	if err != nil {
		b.Fatal(err)
	}
	fillChain(b, path, k, verifyChain)
	st, err := sqlstore.OpenSQLiteReadOnly(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	v, _ := evidence.Verifier(k.PublicKey())
	var peak uint64
	var total time.Duration
	for b.Loop() {
		b.StopTimer()
		runtime.GC()
		base := heapNow()
		h := startHeapPeak()
		start := time.Now()
		b.StartTimer()
		rep, err := evidence.Verify(ctx, st, v, "acme", evidence.VerifyOptions{})
		b.StopTimer()
		total += time.Since(start)
		if top := h.stop(); top > base {
			peak = max(peak, top-base)
		}
		if err != nil || rep.Events != verifyChain || rep.Covered != verifyChain {
			b.Fatalf("Verify = %+v, %v", rep, err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(verifyChain)*float64(b.N)/total.Seconds(), "events/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
}

// fillChain writes n events of acme into a new SQLite store at path, 1,000
// requests of n/1,000 events each, with a checkpoint every 100,000 events.
func fillChain(b *testing.B, path string, k *evidence.Key, n int) {
	b.Helper()
	ctx := context.Background()
	st, err := sqlstore.OpenSQLite(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	cp := &evidence.Checkpointer{Log: st, Key: k}
	const requests = 1000
	per := n / requests
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	written := 0
	for i := range requests {
		id := fmt.Sprintf("req-%04d", i)
		job := &store.Job{Org: "acme", Request: gdpr.Request{ID: id, RequestType: gdpr.RequestDelete, Status: gdpr.StatusDeleting,
			CreatedDate: gdpr.NewTime(t0)}}
		if _, _, err := st.Create(ctx, job, store.Event{RequestID: id, Time: t0, Type: "created", Status: gdpr.StatusInitiated}); err != nil {
			b.Fatal(err)
		}
		evs := make([]store.Event, per-1)
		for j := range evs {
			evs[j] = store.Event{RequestID: id, Time: t0.Add(time.Duration(j) * time.Millisecond), Type: "step",
				Status: gdpr.StatusDeleting, Detail: fmt.Sprintf("adapter-%d: DONE, 3 records deleted, attempt 1 of 5", j%7)}
		}
		if err := st.Update(ctx, job, evs...); err != nil {
			b.Fatal(err)
		}
		written += per
		if written%100_000 == 0 {
			if _, err := cp.Checkpoint(ctx, "acme"); err != nil {
				b.Fatal(err)
			}
		}
	}
}
