package bench

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/memstore"
)

// largeSubject is how many records the one subject of
// BenchmarkExportLargeSubject has.
const largeSubject = 100_000

// BenchmarkExportLargeSubject exports one subject who has 100,000 records
// in one adapter, from CreateRequest to COMPLETED in one processor call
// (RunOnce), and reports the peak of the heap above what it was before the
// request (peak-MB). The adapter makes its records as it emits them, so
// the peak is the processor's and the store's: with blobs=files, the
// memory store's jobs and blobs in files, as a durable store keeps them,
// the processor's alone; with blobs=memory, the memory store, which holds
// every blob (the export's parts and archive) in memory.
func BenchmarkExportLargeSubject(b *testing.B) {
	b.Run("blobs=files", func(b *testing.B) {
		benchExport(b, fileBlobs{Store: memstore.New(), dir: b.TempDir()})
	})
	b.Run("blobs=memory", func(b *testing.B) { benchExport(b, memstore.New()) })
}

func benchExport(b *testing.B, store store.Store) {
	p, err := processor.New(store, []adapter.Adapter{manyRecords{n: largeSubject}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	spec := gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: gdpr.Subject{EmailAddresses: []string{"ann@example.com"}}}
	var peak uint64
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		runtime.GC()
		base := heapNow()
		h := startHeapPeak()
		b.StartTimer()
		req, err := p.CreateRequest(ctx, spec)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.RunOnce(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if top := h.stop(); top > base {
			peak = max(peak, top-base)
		}
		done, err := p.GetRequest(ctx, req.ID)
		if err != nil {
			b.Fatal(err)
		}
		if done.Status != gdpr.StatusCompleted || done.Steps[0].Records != largeSubject {
			b.Fatalf("request %s with %d records, want COMPLETED with %d", done.Status, done.Steps[0].Records, largeSubject)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
}

// manyRecords is an adapter holding one subject with n records, which it
// makes as it exports them: chat messages of about 200 bytes of JSON each.
type manyRecords struct{ n int }

func (manyRecords) Name() string { return "archive" }

func (manyRecords) Search(context.Context, gdpr.Term) ([]gdpr.Subject, error) {
	return nil, nil
}

func (manyRecords) Resolve(context.Context, gdpr.Term) (gdpr.Subject, error) {
	return gdpr.Subject{}, fmt.Errorf("bench: resolve: %w", gdpr.ErrNotFound)
}

func (a manyRecords) Export(ctx context.Context, _ adapter.Op, _ []gdpr.Term, emit func(adapter.Record) error) error {
	for i := range a.n {
		if i%1024 == 0 && ctx.Err() != nil {
			return fmt.Errorf("bench: export: %w", ctx.Err())
		}
		err := emit(adapter.Record{Kind: "chatMessage", ID: "msg-" + strconv.Itoa(i), Fields: map[string]any{
			"conversation": "conv-" + strconv.Itoa(i/50),
			"sent":         "2025-03-14T09:26:53Z",
			"from":         "ann@example.com",
			"text":         "Thanks, the parcel " + strconv.Itoa(i) + " arrived today; could you send the invoice again?",
		}})
		if err != nil {
			return err
		}
	}
	return nil
}

func (manyRecords) Rectify(context.Context, adapter.Op, []gdpr.Term, []adapter.Change) (gdpr.Outcome, error) {
	return gdpr.Outcome{}, nil
}

func (manyRecords) Erase(context.Context, adapter.Op, []gdpr.Term, adapter.KeepFunc) (gdpr.Outcome, error) {
	return gdpr.Outcome{}, nil
}
