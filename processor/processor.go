// Package processor is the reference GDPR engine: it implements
// gdpr.Service in-process over the operator's own data.
//
// A Processor holds a set of adapters (package adapter), one per place
// where personal data lives, and a store (package store), where requests,
// their audit log and export archives live; it depends on those two
// contracts only, so any implementation that passes their conformance
// suites plugs in. The statuses a request moves through, and on what, are
// one table (lifecycle.go). SearchSubjects asks every adapter at once. CreateRequest validates a
// request, resolves an id term into the record it names, stores the request
// and returns it at INITIATED; workers started by Run then take it through
// SEARCHING, UPDATING or DELETING and FINALIZING to COMPLETED, one step per
// adapter, retrying failed steps with backoff. FINALIZING (an export's
// packing, an erasure's verification) is saved together with the outcome,
// so it is always in the audit log but a client reading the request may
// see it go from SEARCHING, UPDATING or DELETING straight to COMPLETED.
//
// # Exports
//
// An export step streams its adapter's records into a spool: memory up to
// a small limit, then a temporary file in the spool directory
// (WithSpoolDir), removed when the run ends. When every step succeeds in
// one run, the archive is packed from the spools and is the only blob the
// export writes to the Store; a Store that is a BlobUpdater takes a small
// archive with the update that completes the request, in one write. When
// a step fails, the parts of the steps
// that succeeded are written to the Store first, so that the retry, on
// this processor or another sharing the Store, runs only the failed steps
// and packs the rest from there.
//
// # Waiting steps
//
// An adapter whose data store works asynchronously (a hosted GDPR API
// erases within 14 days; package apiadapter) returns an adapter.WaitError
// naming the remote work. Its step becomes WAITING (StepWaiting), with
// what it waits on and its next look (gdpr.Step's WaitingOn and
// NextLook), and the request is released to the Store with its next run
// at the earliest look: it holds no worker and no lease, its status and
// due date stay as they were, and any processor sharing the Store, after
// a restart too, runs the same operation again then, with Op.Waiting set. Looks back off from WithWaitPolling's min to
// its max; only the start of a wait, and a change in what is waited on,
// are audit events.
//
// # Guarantees
//
//   - A request accepted by CreateRequest is in the Store before it returns.
//   - Work is claimed with a lease that the worker renews while it works;
//     the steps of a worker that dies are claimed again after the lease.
//     Adapter operations are idempotent, so a step run twice is harmless.
//   - Only failed steps are retried. A request ends in ERROR only when a
//     step's attempts are spent, and Retry resumes it from where it
//     stopped.
//   - Erasure is verified: after DELETING every term of the subject is
//     searched again in every adapter; records found that no
//     RetentionPolicy keeps fail the request.
//   - Every change of a request is an audit Event on a hash chain that
//     VerifyAudit checks. Events and logs carry no personal data.
//   - With WithEvidence, the chain is signed: a checkpoint soon after a
//     request finishes and at least every interval while it grows, and
//     Receipt gives every finished request a signed receipt that anyone
//     checks offline with the public key (package evidence).
//
// # Organizations
//
// Every call acts for the organization on its context
// (gdpr.ContextWithOrganization), and so does every adapter call made for
// it: searches, the resolving of ids, a request's steps and its erasure
// verification carry the request's organization to the adapters. The
// adapters given to New are reached by every organization, so each must
// be tenant-scoped (it keeps organizations apart by the organization on
// the context: see package adapter) or hold data no organization owns;
// adapters holding one organization's data are listed under it with
// WithOrganizationAdapters, and no other organization's request reaches
// them.
//
// # Logs
//
// The processor logs to WithLogger: request ids, statuses, adapter names
// and counts, never personal data. With WithCorrelation it keeps the
// correlation id of the API call that created a request, and every line
// about the request carries it as "correlation" beside "request", the
// workers' lines too.
package processor

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/store"
)

// Processor implements gdpr.Service over a Store and Adapters. Create one
// with New and start its workers with Run. It is safe for concurrent use.
type Processor struct {
	store    store.Store
	adapters []adapter.Adapter
	cfg      config

	// tokens holds a token for each request made claimable by this
	// Processor that no idle worker has looked for yet, up to one per
	// worker: each wakes one worker, not all of them.
	tokens chan struct{}

	deflaters deflaters // compress export archives
}

var _ gdpr.Service = (*Processor)(nil)

// New returns a Processor over store and adapters, which every
// organization's requests reach (WithOrganizationAdapters adds adapters
// of one organization alone). Adapter names must be unique and
// non-empty. No goroutine runs until Run is called.
func New(st store.Store, adapters []adapter.Adapter, opts ...Option) (*Processor, error) {
	if st == nil {
		return nil, fmt.Errorf("processor: store is nil; pass a Store such as memstore.New()")
	}
	cfg := defaults()
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, fmt.Errorf("processor: %w", err)
		}
	}
	if len(adapters) == 0 && len(cfg.orgAdapters) == 0 {
		return nil, fmt.Errorf("processor: no adapters; pass at least one Adapter where personal data lives")
	}
	if err := checkNames(adapters, cfg.orgAdapters); err != nil {
		return nil, fmt.Errorf("processor: %w", err)
	}
	if _, ok := st.(store.FinishedLister); cfg.minimize != nil && !ok {
		return nil, fmt.Errorf("processor: minimization needs a store that can list finished requests (store.FinishedLister); %T cannot", st)
	}
	if e := cfg.evidence; e != nil {
		if err := e.bind(st, cfg.clock); err != nil {
			return nil, fmt.Errorf("processor: %w", err)
		}
	}
	if err := cfg.bindRetiredKeys(); err != nil {
		return nil, fmt.Errorf("processor: %w", err)
	}
	return &Processor{
		store:    st,
		adapters: append([]adapter.Adapter(nil), adapters...),
		cfg:      cfg,
		tokens:   make(chan struct{}, cfg.workers),
	}, nil
}

// Adapters returns the names of the adapters every organization reaches
// (those given to New), in order; WithOrganizationAdapters lists the
// others.
func (p *Processor) Adapters() []string {
	names := make([]string, len(p.adapters))
	for i, a := range p.adapters {
		names[i] = a.Name()
	}
	return names
}

func (p *Processor) now() time.Time { return p.cfg.clock().UTC() }

func (p *Processor) log() *slog.Logger { return p.cfg.logger }

// wake tells one idle worker that a request may be waiting. A token that
// no worker waits for yet is kept for the next one to look, so that no
// wake-up is missed; when every worker already has one coming, another
// adds nothing.
func (p *Processor) wake() {
	select {
	case p.tokens <- struct{}{}:
	default:
	}
}
