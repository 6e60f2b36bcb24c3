package testkit

import (
	"context"
	"testing"
	"time"

	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/processor"
)

// Run starts p's workers, and stops them and waits for them when the test
// and its subtests end. It returns p.
func Run(t testing.TB, p *processor.Processor) *processor.Processor {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return p
}

// Demo returns a processor over the demo data (package internal/demo), its
// workers running for the test and polling every 5ms. opts come after the
// poll, so they may change it.
func Demo(t testing.TB, opts ...processor.Option) *processor.Processor {
	t.Helper()
	p, err := demo.Processor(append([]processor.Option{processor.WithStorePoll(5 * time.Millisecond)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return Run(t, p)
}
