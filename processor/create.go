package processor

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/store"
)

// CreateRequest validates spec, resolves an id term into the subject it
// names, stores the request and returns it at INITIATED. Processing runs
// later, in the workers of Run.
//
// Rejections are *gdpr.APIError with status 400: a subject with no term or
// with more than one (invalid.property), an invalid term, enum or
// replacement (invalid.value), a GDPR_DELETE without DeleteConfirmed, an
// update without replacement terms or another type with them
// (invalid.property), and an id no adapter knows (invalid.value) — except
// in a GDPR_DELETE, where an id whose data is already gone is accepted and
// the request completes with nothing found. Reusing
// an idempotency key with a different spec is 409 request.conflict; with
// the same spec it returns the request created first.
func (p *Processor) CreateRequest(ctx context.Context, spec gdpr.RequestSpec) (*gdpr.Request, error) {
	term, changes, err := p.validateSpec(spec)
	if err != nil {
		return nil, err
	}
	org := gdpr.OrganizationFromContext(ctx)
	fp := fingerprint(spec)
	if spec.IdempotencyKey != "" {
		// A repeat need not resolve again: answer it from the store.
		if job, err := p.findByKey(ctx, org, spec.IdempotencyKey); err != nil {
			return nil, err
		} else if job != nil {
			return p.repeat(job, fp)
		}
	}
	subject := spec.Subject.Clone()
	terms := []gdpr.Term{term}
	if term.Kind.IsID() {
		resolved, err := p.resolve(ctx, term)
		switch {
		case err == nil:
			subject = subject.Merge(resolved)
			terms = p.actionTerms(term, resolved)
		case errors.Is(err, errUnknownID) && spec.Type == gdpr.RequestDelete:
			// Nothing is left under this id: erasing it again is no
			// error, and the request completes with nothing found.
		case errors.Is(err, errUnknownID):
			return nil, gdpr.NewFieldError(400, gdpr.CodeInvalidValue, idField(term.Kind),
				"no data store knows this %s; search the subjects by name, email or phone to find the right id", term.Kind)
		default:
			return nil, err
		}
	}
	now := p.now()
	id, err := newRequestID(now)
	if err != nil {
		return nil, fmt.Errorf("processor: create: %w", err)
	}
	req := gdpr.Request{
		ID:               id,
		Name:             spec.Name,
		ReplacementTerms: append([]gdpr.ReplacementTerm(nil), spec.ReplacementTerms...),
		RequestType:      spec.Type,
		CreatedDate:      gdpr.NewTime(now),
		ModifiedDate:     gdpr.NewTime(now),
		DueDate:          gdpr.NewTime(now.Add(p.cfg.sla[spec.Type])),
		Status:           gdpr.StatusInitiated,
		Subject:          subject,
		SelfURI:          "/api/v2/gdpr/requests/" + id,
		Steps:            make([]gdpr.Step, len(p.adaptersFor(org))),
	}
	if len(spec.ReplacementTerms) == 0 {
		req.ReplacementTerms = nil
	}
	for i, a := range p.adaptersFor(org) {
		req.Steps[i] = gdpr.Step{Adapter: a.Name(), State: gdpr.StepPending}
	}
	job := &store.Job{
		Org:            org,
		Request:        req,
		IdempotencyKey: spec.IdempotencyKey,
		Fingerprint:    fp,
		Terms:          terms,
		Changes:        changes,
		NextRun:        now,
		Correlation:    p.correlationOf(ctx),
	}
	ev := p.event(job, "created", fmt.Sprintf("%s by %s term, %d data stores", spec.Type, term.Kind, len(req.Steps)))
	stored, created, err := p.store.Create(ctx, job, ev)
	if err != nil {
		return nil, fmt.Errorf("processor: create: %w", err)
	}
	if !created {
		return p.repeat(stored, fp)
	}
	p.stored(&stored.Request, []store.Event{ev})
	p.jobLog(stored).InfoContext(ctx, "request created", "request", id, "type", spec.Type, "term", string(term.Kind))
	p.wake()
	return stored.Request.Clone(), nil
}

// findByKey returns the organization's job created with key, or nil.
func (p *Processor) findByKey(ctx context.Context, org, key string) (*store.Job, error) {
	job, err := p.store.FindKey(ctx, org, key)
	if errors.Is(err, gdpr.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("processor: create: %w", err)
	}
	return job, nil
}

// repeat answers a CreateRequest whose idempotency key was used before.
func (p *Processor) repeat(job *store.Job, fp string) (*gdpr.Request, error) {
	if m := p.cfg.minimize; m != nil && !job.Minimized.IsZero() {
		fp = m.hash("fingerprint", fp)
	}
	if job.Fingerprint != fp {
		e := gdpr.NewFieldError(409, gdpr.CodeRequestConflict, "Idempotency-Key",
			"this idempotency key was used for a different request (%s); use a new key for a new request", job.Request.ID)
		e.Body.EntityID = job.Request.ID
		return nil, e
	}
	return job.Request.Clone(), nil
}

var errUnknownID = errors.New("processor: no adapter knows the id")

// resolve asks every adapter for the subject an id term names, and merges
// what they know.
func (p *Processor) resolve(ctx context.Context, term gdpr.Term) (gdpr.Subject, error) {
	as := p.adaptersFor(gdpr.OrganizationFromContext(ctx))
	found := make([][]gdpr.Subject, len(as))
	err := p.fanOut(ctx, "resolve", as, func(ctx context.Context, i int, a adapter.Adapter) error {
		s, err := a.Resolve(ctx, term)
		if errors.Is(err, gdpr.ErrNotFound) {
			return nil
		}
		if err == nil {
			found[i] = []gdpr.Subject{s}
		}
		return err
	})
	if err != nil {
		return gdpr.Subject{}, err
	}
	merged := mergeSubjects(found)
	if len(merged) == 0 {
		return gdpr.Subject{}, errUnknownID
	}
	s := merged[0]
	for _, m := range merged[1:] {
		s = s.Merge(m)
	}
	return s, nil
}

func idField(k gdpr.Kind) string {
	switch k {
	case gdpr.KindUserID:
		return "subject.userId"
	case gdpr.KindExternalContactID:
		return "subject.externalContactId"
	case gdpr.KindDialerContactID:
		return "subject.dialerContactId"
	}
	return "subject.journeyCustomer"
}

// actionTerms are the terms the adapters act on for a request naming a
// subject by id: the id, every other id of the subject, and its fields
// that identify one person. Names and addresses, which namesakes and
// housemates share, act only through the subject's own records.
func (p *Processor) actionTerms(id gdpr.Term, resolved gdpr.Subject) []gdpr.Term {
	terms := []gdpr.Term{id}
	seen := map[gdpr.Term]bool{id: true}
	for _, t := range resolved.Terms() {
		if t.Kind.Shared() {
			continue
		}
		n, err := p.cfg.normalizer.Term(t)
		if err != nil || seen[n] {
			continue // a value the store holds but that is no valid term cannot match one
		}
		seen[n] = true
		terms = append(terms, n)
	}
	return terms
}

// fingerprint identifies a spec for idempotency: the same spec always has
// the same fingerprint.
func fingerprint(spec gdpr.RequestSpec) string {
	spec.IdempotencyKey = ""
	b, _ := json.Marshal(spec)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// newRequestID returns a request's id: a version 7 UUID (RFC 9562), whose
// first 48 bits are the Unix time in milliseconds and the rest random, so
// that the ids a store indexes grow at one end, as its rows do, rather
// than at random places, each insert dirtying a page of its own.
func newRequestID(now time.Time) (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[6:]); err != nil {
		return "", err
	}
	ms := uint64(now.UnixMilli())
	for i := range 6 {
		b[i] = byte(ms >> (40 - 8*i))
	}
	b[6] = b[6]&0x0f | 0x70
	b[8] = b[8]&0x3f | 0x80
	return formatUUID(b), nil
}

// formatUUID writes b in the UUID text form.
func formatUUID(b [16]byte) string {
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// newID returns a random (version 4) UUID.
func newID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return formatUUID(b), nil
}

// event returns an audit event about job's current state. Text of
// detail that is not UTF-8 (an adapter's name or error) is written as
// the replacement character: the event's hash is then over the text that
// JSON, a receipt's or an export's, carries, and a receipt holding it
// verifies.
func (p *Processor) event(job *store.Job, typ, detail string) store.Event {
	return store.Event{
		Org:       job.Org,
		RequestID: job.Request.ID,
		Time:      p.now(),
		Type:      typ,
		Status:    job.Request.Status,
		Detail:    strings.ToValidUTF8(detail, "\uFFFD"),
	}
}
