package contract_test

import (
	"context"
	"testing"
	"time"

	"github.com/gdprkit/gdpr/internal/contract"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/processor"
)

// demoProcessor returns a running processor over the demo data.
func demoProcessor(t *testing.T) *processor.Processor {
	t.Helper()
	p, err := demo.Processor(processor.WithStorePoll(5 * time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return p
}

func TestProcessor(t *testing.T) {
	contract.Test(t, contract.Service{Service: demoProcessor(t), Poll: 5 * time.Millisecond})
}
