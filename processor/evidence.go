package processor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/store"
)

// DefaultCheckpointInterval is how often, at most, a chain that grew
// waits for its next checkpoint when no request finished.
const DefaultCheckpointInterval = time.Minute

// ErrNoEvidence is returned by Receipt and PublicKey of a Processor made
// without WithEvidence.
var ErrNoEvidence = errors.New("processor: no evidence key; receipts need WithEvidence")

// WithEvidence signs checkpoints of every organization's audit chain with
// key (package evidence): soon after a request reaches COMPLETED or ERROR,
// and at least every DefaultCheckpointInterval while a chain grows (see
// WithCheckpointInterval), for as long as Run runs. Each checkpoint is
// stored by the Store, which must be a store.CheckpointStore, and then
// appended to sink when sink is not nil. The status event that finishes
// a request holds its account (evidence.IsAccount), and Receipt then
// gives its receipt, made from the store when asked: nothing of its own
// is signed or stored.
func WithEvidence(key *evidence.Key, sink evidence.Sink) Option {
	return func(c *config) error {
		if key == nil {
			return errors.New("WithEvidence: the key is nil; load one with evidence.LoadOrCreateKey")
		}
		if c.evidence == nil {
			c.evidence = &evidenceConfig{interval: DefaultCheckpointInterval}
		}
		c.evidence.key, c.evidence.sink = key, sink
		return nil
	}
}

// WithCheckpointInterval sets how often, at most, a growing chain waits
// for a checkpoint (default DefaultCheckpointInterval). It applies with
// WithEvidence.
func WithCheckpointInterval(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("WithCheckpointInterval: the interval must be positive, got %v", d)
		}
		if c.evidence == nil {
			c.evidence = &evidenceConfig{}
		}
		c.evidence.interval = d
		return nil
	}
}

// evidenceConfig is WithEvidence's configuration and the checkpoint
// loop's state.
type evidenceConfig struct {
	key      *evidence.Key
	sink     evidence.Sink
	interval time.Duration
	cp       *evidence.Checkpointer

	mu      sync.Mutex
	pending []string       // organizations whose requests finished since the last checkpoint
	done    map[string]int // how many, by organization
	wake    chan struct{}  // one token: pending has organizations
	full    chan struct{}  // one token: an organization has checkpointBatch requests pending
}

// bind checks st can keep checkpoints and makes the Checkpointer.
func (e *evidenceConfig) bind(st store.Store, clock func() time.Time) error {
	if e.key == nil {
		return errors.New("WithCheckpointInterval needs WithEvidence")
	}
	log, ok := st.(evidence.Log)
	if !ok {
		return fmt.Errorf("WithEvidence needs a store that keeps checkpoints (store.CheckpointStore); %T does not", st)
	}
	e.cp = &evidence.Checkpointer{Log: log, Key: e.key, Sink: e.sink, Now: clock}
	e.wake, e.full = make(chan struct{}, 1), make(chan struct{}, 1)
	return nil
}

// finished notes that job reached a final status, for the next
// checkpoint of its organization.
func (e *evidenceConfig) finished(job *store.Job) {
	org := job.Org
	e.mu.Lock()
	if !slices.Contains(e.pending, org) {
		e.pending = append(e.pending, org)
	}
	if e.done == nil {
		e.done = map[string]int{}
	}
	e.done[org]++
	full := e.done[org] == checkpointBatch
	e.mu.Unlock()
	token(e.wake)
	if full {
		token(e.full)
	}
}

// token puts a token in ch, a channel of one, unless it holds one.
func token(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// checkpointGap is the least time between two checkpoints signed because
// requests finished, and checkpointBatch how many requests of an
// organization finishing sooner make it sign at once: under load, one
// checkpoint covers the requests that finished meanwhile, rather than
// each costing a checkpoint of its own, and a burst's requests are
// covered while the next run rather than all at once after them.
const (
	checkpointGap   = 250 * time.Millisecond
	checkpointBatch = 100
)

// checkpointEvery signs the organizations whose requests finished soon
// after it hears of them (at most every checkpointGap, unless
// checkpointBatch of them wait), and every organization's grown chain
// each interval, until ctx is done; then it signs what finished before,
// once more.
func (e *evidenceConfig) checkpointEvery(ctx context.Context, log *slog.Logger) {
	t := time.NewTicker(e.interval)
	defer t.Stop()
	gap := time.NewTimer(0)
	defer gap.Stop()
	wake := e.wake
	for {
		select {
		case <-ctx.Done():
			// Sign what finished, so that a stopped server leaves it covered.
			last, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			e.signPending(last, log)
			cancel()
			return
		case <-gap.C:
			wake = e.wake // the gap is over: listen for finished requests again
		case <-wake:
			e.signPending(ctx, log)
			wake = nil
			gap.Reset(min(checkpointGap, e.interval))
		case <-e.full:
			e.signPending(ctx, log)
		case <-t.C:
			orgs, err := e.cp.Log.Organizations(ctx)
			if err != nil && ctx.Err() == nil {
				log.ErrorContext(ctx, "checkpoint: list organizations", "err", err)
			}
			for _, org := range orgs {
				e.sign(ctx, log, org)
			}
		}
	}
}

// signPending signs a checkpoint of every organization whose requests
// finished since the last.
func (e *evidenceConfig) signPending(ctx context.Context, log *slog.Logger) {
	e.mu.Lock()
	orgs := e.pending
	e.pending, e.done = nil, nil
	e.mu.Unlock()
	for _, org := range orgs {
		e.sign(ctx, log, org)
	}
}

// take forgets that requests of org finished since the last checkpoint,
// which the caller signs.
func (e *evidenceConfig) take(org string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.pending = slices.DeleteFunc(e.pending, func(o string) bool { return o == org })
	delete(e.done, org)
}

// sign signs a checkpoint of org's chain; a failure is logged, and the
// next checkpoint, or a receipt asked for, signs again.
func (e *evidenceConfig) sign(ctx context.Context, log *slog.Logger, org string) {
	if _, err := e.cp.Checkpoint(ctx, org); err != nil && ctx.Err() == nil {
		// Organization names are the operator's, not personal data.
		log.ErrorContext(ctx, "checkpoint failed", "org", org, "err", err)
	}
}

// Checkpoint signs a checkpoint of the context organization's chain now,
// unless the last one covers it, and returns the one that covers it:
// the receipt of every request finished before is then made from the
// store, with no signing.
func (p *Processor) Checkpoint(ctx context.Context) (*store.Checkpoint, error) {
	e := p.cfg.evidence
	if e == nil {
		return nil, ErrNoEvidence
	}
	org := gdpr.OrganizationFromContext(ctx)
	e.take(org)
	return e.cp.Checkpoint(ctx, org)
}

// Receipt returns the signed receipt (evidence.Receipt) of the context
// organization's request id: a 404 *gdpr.APIError when there is no such
// request, a 409 *gdpr.APIError (request.conflict) until it is COMPLETED
// or ERROR, ErrNoEvidence without WithEvidence.
func (p *Processor) Receipt(ctx context.Context, id string) ([]byte, error) {
	e := p.cfg.evidence
	if e == nil {
		return nil, ErrNoEvidence
	}
	job, err := p.get(ctx, id)
	if err != nil {
		return nil, err
	}
	b, err := e.cp.Receipt(ctx, job)
	if errors.Is(err, evidence.ErrNotFinished) {
		return nil, gdpr.NewError(409, gdpr.CodeRequestConflict,
			"the request is %s; its receipt is made once it is COMPLETED or ERROR", job.Request.Status)
	}
	if err != nil {
		return nil, fmt.Errorf("processor: receipt: %w", err)
	}
	return b, nil
}

// PublicKey returns the evidence key's public key, which checks
// checkpoints and receipts, or ErrNoEvidence.
func (p *Processor) PublicKey() (string, error) {
	if p.cfg.evidence == nil {
		return "", ErrNoEvidence
	}
	return p.cfg.evidence.key.PublicKey(), nil
}
