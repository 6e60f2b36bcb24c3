package evidence_test

import (
	"context"
	"fmt"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/memstore"
)

// A third party holding checkpoint 1 checks that checkpoint 2 extends it.
func ExampleVerifyConsistency() {
	ctx := context.Background()
	priv, pub, _ := evidence.GenerateKey()
	key, _ := evidence.ParseKey(priv)
	s := memstore.New()
	signer := &evidence.Checkpointer{Log: s, Key: key}
	t0 := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	for _, id := range []string{"req-1", "req-2"} {
		job := &store.Job{Org: "acme", Request: gdpr.Request{ID: id, RequestType: gdpr.RequestDelete,
			Status: gdpr.StatusInitiated, CreatedDate: gdpr.NewTime(t0)}}
		s.Create(ctx, job, store.Event{RequestID: id, Time: t0, Type: "created", Status: gdpr.StatusInitiated})
		signer.Checkpoint(ctx, "acme") // checkpoints 1 and 2
	}

	proof, _ := signer.Consistency(ctx, "acme", 1, 2) // what the server serves
	older, newer, err := evidence.VerifyConsistency(proof, pub)
	fmt.Println(older.Seq, older.Size, newer.Seq, newer.Size, err)
	// Output:
	// 1 1 2 2 <nil>
}
