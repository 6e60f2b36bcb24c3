package httpadapter

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

var _ adapter.Adapter = (*Adapter)(nil)

// Adapter is a adapter.Adapter whose data lives in another service,
// reached over the protocol. It is safe for concurrent use and starts no
// goroutines. The zero value is not usable: call New.
type Adapter struct {
	name  string
	base  string // the base URL, without a trailing slash
	shown string // the base URL with any password redacted, for errors
	cfg   config
	hc    *http.Client
	slots chan struct{}
}

// New returns an Adapter named name (the name it reports in steps, errors
// and audit events) that calls the service serving the protocol at
// baseURL, e.g. "https://crm.internal/gdpr", signing every call with
// secret. It fails when name is empty, baseURL is not an absolute http or
// https URL, secret is shorter than MinSecretLen or an option is not
// valid. New makes no call.
func New(name, baseURL, secret string, opts ...Option) (*Adapter, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("httpadapter: New: adapter %q: the secret must be %d bytes or more", name, MinSecretLen)
	}
	key := []byte(secret)
	return newAdapter("New", name, baseURL, func(config) func() []byte { return func() []byte { return key } }, opts)
}

// NewFromSecretFile is New with the secret in the file at path (its
// content, without trailing line breaks), read again every second:
// replacing the file's content switches the Adapter to the new secret
// within a second, without a restart (see Secret rotation in the
// package documentation). It fails when the file cannot be read or holds
// a secret shorter than MinSecretLen; a later change that cannot be used
// leaves the secret read before in use, and is logged (WithLogger).
func NewFromSecretFile(name, baseURL, path string, opts ...Option) (*Adapter, error) {
	secret, err := readSecretFile(path)
	if err != nil {
		return nil, fmt.Errorf("httpadapter: NewFromSecretFile: adapter %q: %w", name, err)
	}
	return newAdapter("NewFromSecretFile", name, baseURL, func(c config) func() []byte {
		log := c.log
		if log == nil {
			log = slog.New(slog.DiscardHandler)
		}
		f := &fileSecret{path: path, now: c.now, log: log, name: name, secret: secret, checked: c.now()}
		return f.get
	}, opts)
}

// newAdapter builds an Adapter for the constructor fn whose signing key
// secret returns, once the options are applied.
func newAdapter(fn, name, baseURL string, secret func(config) func() []byte, opts []Option) (*Adapter, error) {
	if strings.TrimSpace(name) == "" {
		return nil, fmt.Errorf("httpadapter: %s: the adapter needs a name", fn)
	}
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("httpadapter: %s: adapter %q: the URL must be an absolute http or https URL, e.g. https://crm.internal/gdpr", fn, name)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("httpadapter: %s: adapter %q: the URL must have no query or fragment", fn, name)
	}
	c := defaultConfig()
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&c); err != nil {
			return nil, err
		}
	}
	a := &Adapter{
		name:  name,
		base:  strings.TrimSuffix(u.String(), "/"),
		shown: strings.TrimSuffix(u.Redacted(), "/"),
		cfg:   c,
		slots: make(chan struct{}, c.concurrency),
	}
	a.hc = &http.Client{
		Transport: &attemptTransport{base: c.transport, secret: secret(c), timeout: c.timeout, now: c.now},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // a signature is for one route
		},
	}
	return a, nil
}

// Name returns the name given to New.
func (a *Adapter) Name() string { return a.name }

// Search asks the service for the subjects term finds.
func (a *Adapter) Search(ctx context.Context, term gdpr.Term) ([]gdpr.Subject, error) {
	if err := a.ready(ctx, routeSearch); err != nil {
		return nil, err
	}
	var ans searchAnswer
	if err := a.do(ctx, routeSearch, &callBody{OperationID: newOpID(), Term: &term}, &ans); err != nil {
		return nil, err
	}
	return ans.Subjects, nil
}

// Resolve asks the service for the subject an id term names. An id the
// service does not hold gives an error matching gdpr.ErrNotFound.
func (a *Adapter) Resolve(ctx context.Context, term gdpr.Term) (gdpr.Subject, error) {
	if err := a.ready(ctx, routeResolve); err != nil {
		return gdpr.Subject{}, err
	}
	var ans resolveAnswer
	if err := a.do(ctx, routeResolve, &callBody{OperationID: newOpID(), Term: &term}, &ans); err != nil {
		return gdpr.Subject{}, err
	}
	return ans.Subject, nil
}

// Export streams the service's records for terms to emit, as they come.
// A call that fails before the first record is retried; one that breaks
// off later returns an error (the processor then runs the step again,
// replacing what was emitted).
func (a *Adapter) Export(ctx context.Context, op adapter.Op, terms []gdpr.Term, emit func(adapter.Record) error) error {
	if err := a.ready(ctx, routeExport); err != nil {
		return err
	}
	return a.stream(ctx, routeExport, &callBody{RequestID: op.RequestID, OperationID: opID(op), Terms: terms},
		func(rec adapter.Record, _ string) error { return emit(rec) })
}

// Rectify asks the service to apply changes to the records of terms. The
// call carries Op.ID, so that a retry, or a repeat of the operation, is
// recognised by the service and answered with the first run's Outcome.
// When the service fails after updating records and says how many,
// Rectify returns that Outcome with its error, without trying again, so
// that the processor keeps the count; otherwise an error comes with a
// zero Outcome.
func (a *Adapter) Rectify(ctx context.Context, op adapter.Op, terms []gdpr.Term, changes []adapter.Change) (gdpr.Outcome, error) {
	if err := a.ready(ctx, routeRectify); err != nil {
		return gdpr.Outcome{}, err
	}
	wc := make([]wireChange, len(changes))
	for i, c := range changes {
		wc[i] = wireChange{Kind: c.Kind, Existing: c.Existing, Updated: c.Updated}
	}
	var ans outcomeAnswer
	err := a.do(ctx, routeRectify, &callBody{RequestID: op.RequestID, OperationID: opID(op), Terms: terms, Changes: wc}, &ans)
	if err != nil {
		return changesOf(err), err
	}
	return ans.Outcome, nil
}

// changesOf returns what a failed rectify or erase reported changing.
func changesOf(err error) gdpr.Outcome {
	var e *Error
	if errors.As(err, &e) {
		return e.changes()
	}
	return gdpr.Outcome{}
}

// ready returns an error naming the adapter when ctx has ended, so that a
// cancelled call sends nothing.
func (a *Adapter) ready(ctx context.Context, route string) error {
	if err := ctx.Err(); err != nil {
		return &Error{Adapter: a.name, Op: route, Err: err, url: a.shown}
	}
	if a.cfg.tenant && gdpr.OrganizationFromContext(ctx) == "" {
		return &Error{Adapter: a.name, Op: route, Err: adapter.ErrNoOrganization, url: a.shown}
	}
	return nil
}

// opID is the operation id a call carries: Op.ID, or a fresh one when the
// caller gave none, so that every call can be retried safely.
func opID(op adapter.Op) string {
	if op.ID != "" {
		return op.ID
	}
	return newOpID()
}

func newOpID() string { return "op-" + rand.Text() }
