package main

import (
	"context"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/httpadapter"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store/memstore"
)

// TestDSR starts the billing service and a processor that reaches it over
// the protocol, as gdpr serve does with examples/remote-service/adapters.yaml,
// and answers an access request and an erasure through it.
func TestDSR(t *testing.T) {
	const secret = "billing-shared-secret-for-tests"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- run(ctx, ln, secret, slog.New(slog.DiscardHandler), defaultTimeouts()) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("the service stopped with %v", err)
		}
	})

	remote, err := httpadapter.New("billing", "http://"+ln.Addr().String()+"/gdpr", secret)
	if err != nil {
		t.Fatal(err)
	}
	p, err := processor.New(memstore.New(), []adapter.Adapter{remote},
		processor.WithPolicy(processor.CurrentEmployees{}))
	if err != nil {
		t.Fatal(err)
	}
	ran := make(chan struct{})
	go func() { p.Run(ctx); close(ran) }()
	t.Cleanup(func() { cancel(); <-ran })

	export := answer(t, p, gdpr.RequestSpec{Type: gdpr.RequestExport,
		Subject: gdpr.Subject{EmailAddresses: []string{"Robin.Vale@example.com"}}})
	if s := export.Steps[0]; s.Outcome == nil || s.Outcome.Exported != 3 {
		t.Errorf("the export's step is %+v, want the account and its two invoices exported", s)
	}

	erase := answer(t, p, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
		Subject: gdpr.Subject{EmailAddresses: []string{"sam.rivera@example.com"}}})
	out := erase.Steps[0].Outcome
	if out == nil || out.Deleted != 1 || out.RetainedCount() != 1 || out.Retained[0].Basis != processor.EmployeeBasis {
		t.Errorf("the erasure's outcome is %+v, want the approval deleted and the current employee's record retained", out)
	}
}

// answer creates the request and waits for it to complete.
func answer(t *testing.T, p *processor.Processor, spec gdpr.RequestSpec) *gdpr.Request {
	t.Helper()
	r, err := p.CreateRequest(t.Context(), spec)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !r.Status.Done() {
		if time.Now().After(deadline) {
			t.Fatalf("request %s is still %s", r.ID, r.Status)
		}
		time.Sleep(10 * time.Millisecond)
		if r, err = p.GetRequest(t.Context(), r.ID); err != nil {
			t.Fatal(err)
		}
	}
	if r.Status != gdpr.StatusCompleted {
		t.Fatalf("request %s ended %s: %+v", r.ID, r.Status, r.Steps)
	}
	return r
}
