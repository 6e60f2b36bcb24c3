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

// A finished request's receipt, checked with the public key alone, and
// the whole chain checked against its checkpoints.
func Example() {
	ctx := context.Background()
	priv, pub, _ := evidence.GenerateKey() // keep priv secret; publish pub
	key, _ := evidence.ParseKey(priv)

	// A store holding one finished erasure of organization acme.
	s := memstore.New()
	t0 := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	job := &store.Job{Org: "acme", Request: gdpr.Request{ID: "req-1", RequestType: gdpr.RequestDelete,
		Status: gdpr.StatusInitiated, CreatedDate: gdpr.NewTime(t0)}}
	s.Create(ctx, job, store.Event{RequestID: "req-1", Time: t0, Type: "created", Status: gdpr.StatusInitiated})
	job.Request.Status = gdpr.StatusCompleted
	job.Request.Steps = []gdpr.Step{{Adapter: "crm", State: gdpr.StepDone, Records: 2, Outcome: &gdpr.Outcome{Deleted: 2}}}
	// The event that finishes it holds its account, as a processor with
	// evidence writes it.
	done := t0.Add(time.Second)
	account, _ := evidence.AccountOf(job, done, "").Detail()
	s.Update(ctx, job, store.Event{RequestID: "req-1", Time: done, Type: "status", Status: gdpr.StatusCompleted, Detail: account})

	signer := &evidence.Checkpointer{Log: s, Key: key}
	receipt, _ := signer.Receipt(ctx, job) // signs a checkpoint covering it first

	rec, err := evidence.VerifyReceipt(receipt, pub)
	fmt.Println(rec.Format, rec.RequestID, rec.Status, rec.Steps[0].Adapter, rec.Steps[0].Outcome.Deleted, len(rec.Events), err)

	v, _ := evidence.Verifier(pub)
	rep, err := evidence.Verify(ctx, s, v, "acme", evidence.VerifyOptions{})
	fmt.Println(rep.Events, rep.Checkpoints, rep.Covered, err)
	// Output:
	// gdprkit-receipt/3 req-1 COMPLETED crm 2 2 <nil>
	// 2 1 2 <nil>
}
