package apiadapter

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

// Remote is the GDPR API an Adapter speaks to: a *gdpr.Client, whose
// DownloadResults fetches an export's archive.
type Remote interface {
	gdpr.Service
	DownloadResults(ctx context.Context, req *gdpr.Request, w io.Writer) (int64, error)
}

var _ Remote = (*gdpr.Client)(nil)

// Adapter is an adapter.Adapter over a remote GDPR API. It is safe for
// concurrent use.
type Adapter struct {
	name   string
	remote Remote
	kinds  []gdpr.Kind
	inline time.Duration
	poll   time.Duration
	lookup bool
	// maxArchive caps the size of one downloaded export archive.
	maxArchive int64
	done       memo
	seen       seen
}

var (
	_ adapter.Adapter   = (*Adapter)(nil)
	_ adapter.Describer = (*Adapter)(nil)
	_ adapter.Checker   = (*Adapter)(nil)
)

// Defaults of the options.
const (
	DefaultInlineWait = 10 * time.Second
	DefaultMaxArchive = 256 << 20
)

// Option configures an Adapter made by New; options check their
// arguments.
type Option func(*Adapter) error

// WithKinds sets the term kinds sent to the remote's subjects search; a
// term of another kind matches nothing there. The default is every
// searchable kind (gdpr.SearchKinds); the hosted API searches names,
// addresses, phones and emails.
func WithKinds(kinds ...gdpr.Kind) Option {
	return func(a *Adapter) error {
		if len(kinds) == 0 {
			return fmt.Errorf("apiadapter: WithKinds: name at least one term kind, such as %s", gdpr.KindEmail)
		}
		for _, k := range kinds {
			if !k.Searchable() {
				return fmt.Errorf("apiadapter: WithKinds: %q is not a searchable term kind; use one of %v", k, gdpr.SearchKinds())
			}
		}
		a.kinds = adapter.SortKinds(slices.Clone(kinds))
		return nil
	}
}

// WithInlineWait sets how long an operation waits for its remote
// requests before returning an adapter.WaitError, so that a remote that
// answers in seconds (another gdpr serve) completes in one run. 0 parks
// at once. The default is DefaultInlineWait.
func WithInlineWait(d time.Duration) Option {
	return func(a *Adapter) error {
		if d < 0 {
			return fmt.Errorf("apiadapter: WithInlineWait(%v): want 0 or more", d)
		}
		a.inline = d
		return nil
	}
}

// WithPollAfter sets the least time the processor waits before looking at
// parked remote requests again; 0 (the default) leaves it to the
// processor's backoff (processor.WithWaitPolling).
func WithPollAfter(d time.Duration) Option {
	return func(a *Adapter) error {
		if d < 0 {
			return fmt.Errorf("apiadapter: WithPollAfter(%v): want 0 or more", d)
		}
		a.poll = d
		return nil
	}
}

// WithLookup makes the adapter look for a request it may have created
// before in the remote's request list (by its name) before creating one:
// for remotes that do not honour Idempotency-Key. Give such a remote a
// client that does not resend a request: made with
// gdpr.WithRetry(gdpr.RetryPolicy{Attempts: 1}) and
// gdpr.WithTransport(NoKeys(nil)). A create whose answer was lost then
// fails the step, and the step's retry finds the request in the list. A rate limit is still waited out here. Lookups
// cost list calls (up to 20 pages of 100, newest first).
func WithLookup() Option {
	return func(a *Adapter) error {
		a.lookup = true
		return nil
	}
}

// WithMaxArchive caps the size of one export archive downloaded from the
// remote; a larger one fails the step. The default is DefaultMaxArchive.
func WithMaxArchive(n int64) Option {
	return func(a *Adapter) error {
		if n <= 0 {
			return fmt.Errorf("apiadapter: WithMaxArchive(%d): want a size above 0", n)
		}
		a.maxArchive = n
		return nil
	}
}

// New returns an Adapter named name over remote. Give each remote one
// *gdpr.Client made with its rate, shared by everything that calls it.
func New(name string, remote Remote, opts ...Option) (*Adapter, error) {
	if name == "" {
		return nil, fmt.Errorf("apiadapter: New: name is empty; name the remote service, such as \"genesys\"")
	}
	if remote == nil {
		return nil, fmt.Errorf("apiadapter: New(%q): remote is nil; pass a *gdpr.Client", name)
	}
	a := &Adapter{name: name, remote: remote, kinds: gdpr.SearchKinds(), inline: DefaultInlineWait, maxArchive: DefaultMaxArchive}
	for _, o := range opts {
		if err := o(a); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// Name returns the adapter's name.
func (a *Adapter) Name() string { return a.name }

// Kinds returns the term kinds the adapter sends to the remote.
func (a *Adapter) Kinds() []gdpr.Kind { return slices.Clone(a.kinds) }

// InlineWait returns how long an operation waits for its remote requests
// before the step parks (WithInlineWait).
func (a *Adapter) InlineWait() time.Duration { return a.inline }
