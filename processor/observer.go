package processor

import (
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/store"
)

// Observer is told what the processor does, for metrics. Its methods are
// called by request handlers and workers, concurrently, and must return
// quickly. They receive no personal data: request types, times, adapter
// names and the audit events (which carry none).
type Observer interface {
	// Stored is called after the events of a request of type typ,
	// created at created, were stored: "created", "status", "step",
	// "retry", as the audit log holds them.
	Stored(typ gdpr.RequestType, created time.Time, evs []store.Event)
	// AdapterCalled is called after each run of an adapter's step, with
	// how long it took and what it returned (nil: the step succeeded).
	AdapterCalled(adapter string, took time.Duration, err error)
}

// WithObserver tells o of every stored change and every adapter call.
// Nil is no observer.
func WithObserver(o Observer) Option {
	return func(c *config) error {
		c.observer = o
		return nil
	}
}

// stored tells the observer, if any, of evs stored for req.
func (p *Processor) stored(req *gdpr.Request, evs []store.Event) {
	if p.cfg.observer != nil && len(evs) > 0 {
		p.cfg.observer.Stored(req.RequestType, req.CreatedDate.Time, evs)
	}
}

// adapterCall starts timing a call of the adapter name; the function it
// returns tells the observer, if any, when the call returned err.
func (p *Processor) adapterCall(name string) func(err error) {
	if p.cfg.observer == nil {
		return func(error) {}
	}
	start := time.Now()
	return func(err error) { p.cfg.observer.AdapterCalled(name, time.Since(start), err) }
}
