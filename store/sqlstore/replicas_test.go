package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store"
)

// TestReplicas runs three processors, each with a Store of its own, over
// one PostgreSQL database, as three replicas would, and gives them 1,000
// mixed requests (BenchmarkReplicas measures their throughput). Every
// request must complete, every adapter operation must run exactly once,
// and the audit chain must verify.
func TestReplicas(t *testing.T) {
	dsn := postgresDSN(t)
	schema := testSchema(t, dsn)
	const n, replicas = 1000, 3

	var count counter
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var ps []*processor.Processor
	var stores []store.Store
	done := make(chan error, replicas)
	for range replicas {
		s := openPostgres(t, dsn, schema)
		p, err := processor.New(s, newAdapters(t, n, count.wrap), processor.WithStorePoll(20*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		ps, stores = append(ps, p), append(stores, s)
		go func() { done <- p.Run(ctx) }()
	}
	ids := make([]string, n)
	for i := range n {
		r, err := ps[i%replicas].CreateRequest(ctx, spec(i))
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = r.ID
	}
	waitFinal(t, stores[0], n, 2*time.Minute)
	cancel()
	for range replicas {
		<-done
	}

	for i, id := range ids {
		r, err := ps[0].GetRequest(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != gdpr.StatusCompleted {
			t.Errorf("request %d (%s) is %s, want COMPLETED", i, r.RequestType, r.Status)
		}
		for _, a := range adapterNames {
			for what, want := range wantCalls(r.RequestType) {
				if got := count.get(id + "/" + a + "/" + what); got != want {
					t.Errorf("request %d (%s): %s ran %s %d times, want %d", i, r.RequestType, a, what, got, want)
				}
			}
		}
	}
	events, err := ps[1].VerifyAudit(context.Background())
	if err != nil {
		t.Fatalf("audit chain: %v", err)
	}
	if events < 4*n {
		t.Errorf("the audit chain holds %d events for %d requests", events, n)
	}
}

// wantCalls is how many times each adapter operation runs for one request
// of type typ that completes without failures.
func wantCalls(typ gdpr.RequestType) map[string]int {
	switch typ {
	case gdpr.RequestExport:
		return map[string]int{"export": 1, "verify": 0, "erase": 0, "rectify": 0}
	case gdpr.RequestUpdate:
		return map[string]int{"export": 0, "verify": 0, "erase": 0, "rectify": 1}
	}
	return map[string]int{"export": 0, "verify": 1, "erase": 1, "rectify": 0}
}
