package processor

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/store"
)

// HashPrefix starts every value that minimization replaced by its keyed
// hash.
const HashPrefix = "hmac-sha256:"

// minimizeBatch is how many requests one pass of Minimize reads at a time.
const minimizeBatch = 100

// minimization is the configuration of WithMinimization.
type minimization struct {
	after time.Duration
	key   []byte
}

// WithMinimization makes the processor minimize every request that has been
// finished (COMPLETED or ERROR) for longer than after: what it stores that
// is or may be derived from personal data — its subject, its normalized
// terms, its replacement terms, its name, its idempotency key and
// fingerprint — is replaced by keyed hashes (HMAC-SHA256 under key, shown
// as HashPrefix and hex), the error texts of its steps are removed, and an
// export's archive and any stored parts are deleted. The request keeps its id, type, status, dates, steps
// with their counts and verification; its audit events, which never held
// personal data, are unchanged and still verify, and a "minimized" event
// joins them. The same value under the same key always gives the same
// hash, so whoever holds the key can still tell whether a request was about
// a given email, while whoever reads only the store cannot. Subject values
// are hashed normalized, as terms are, so one email gives one hash. A
// store may keep the idempotency key a request was created with in its key
// index, so that repeats still find the request: do not derive keys from
// personal data (package dsr derives them from the DSR reference, so give
// one).
//
// A minimized request in ERROR can no longer be retried: create a new one.
// A repeat of its creation with the same idempotency key and spec still
// returns it. Run minimizes periodically; Minimize does it on demand. The
// Store must implement FinishedLister, else New fails. key must be at least
// 32 bytes and kept as secret as the signing keys.
func WithMinimization(after time.Duration, key []byte) Option {
	return func(c *config) error {
		if after <= 0 {
			return fmt.Errorf("minimization window must be positive, got %v", after)
		}
		if len(key) < 32 {
			return fmt.Errorf("minimization key must be at least 32 bytes, got %d", len(key))
		}
		c.minimize = &minimization{after: after, key: append([]byte(nil), key...)}
		return nil
	}
}

// hash returns the keyed hash of value in the space named by kind, so that
// equal values of different kinds hash differently.
func (m *minimization) hash(kind, value string) string {
	if value == "" {
		return value
	}
	h := hmac.New(sha256.New, m.key)
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write([]byte(value))
	return HashPrefix + hex.EncodeToString(h.Sum(nil))
}

// interval is how often Run looks for requests to minimize: a tenth of the
// window, between the poll interval and an hour.
func (m *minimization) interval(poll time.Duration) time.Duration {
	return min(max(m.after/10, poll), time.Hour)
}

// Minimize minimizes every request of every organization finished for
// longer than the WithMinimization window, and returns how many it
// minimized. Run calls it periodically; it is safe to call at any time,
// from several processes. Without WithMinimization it does nothing.
func (p *Processor) Minimize(ctx context.Context) (int, error) {
	m := p.cfg.minimize
	if m == nil {
		return 0, nil
	}
	lister := p.store.(store.FinishedLister) // checked by New
	before := p.now().Add(-m.after)
	done := 0
	for {
		jobs, err := lister.Finished(ctx, before, minimizeBatch)
		if err != nil {
			return done, fmt.Errorf("processor: minimize: %w", err)
		}
		changed := 0
		for _, job := range jobs {
			ok, err := p.minimizeJob(ctx, m, job)
			if err != nil {
				return done, fmt.Errorf("processor: minimize request %s: %w", job.Request.ID, err)
			}
			if ok {
				done++
				changed++
			}
		}
		// A batch in which every job changed under us (a retry, another
		// process minimizing) may come back the same; stop then.
		if len(jobs) < minimizeBatch || changed == 0 {
			return done, nil
		}
	}
}

// minimizeJob replaces the personal data of one finished job by keyed
// hashes and deletes its archive. It reports false when the job changed
// since it was read (another process minimized or retried it).
func (p *Processor) minimizeJob(ctx context.Context, m *minimization, job *store.Job) (bool, error) {
	r := &job.Request
	for i := range job.Terms {
		t := &job.Terms[i]
		t.Value = m.hash(string(t.Kind), t.Value)
	}
	for i := range job.Changes {
		c := &job.Changes[i]
		c.Existing = m.hash(string(c.Kind), c.Existing)
		c.Updated = m.hash(string(c.Kind)+"/updated", c.Updated)
	}
	for i := range r.ReplacementTerms {
		rt := &r.ReplacementTerms[i]
		rt.ExistingValue = m.hash(string(rt.Type), rt.ExistingValue)
		rt.UpdatedValue = m.hash(string(rt.Type)+"/updated", rt.UpdatedValue)
	}
	r.Subject = minimizeSubject(m, p.cfg.normalizer, r.Subject)
	r.Name = m.hash("REQUEST_NAME", r.Name)
	job.IdempotencyKey = m.hash("IDEMPOTENCY_KEY", job.IdempotencyKey)
	job.Fingerprint = m.hash("fingerprint", job.Fingerprint)
	for i := range r.Steps {
		// An adapter's error may quote what it was asked about.
		if r.Steps[i].Error != "" {
			r.Steps[i].Error = "error detail removed when the request was minimized"
		}
	}
	archive := job.Results
	job.Results, r.ResultsURL, r.ResultsURLs = "", "", nil
	now := p.now()
	job.Minimized = now
	r.ModifiedDate = gdpr.NewTime(now)
	detail := "subject terms replaced by keyed hashes"
	if archive != "" {
		detail += "; export archive deleted"
	}
	if err := p.store.Update(ctx, job, p.event(job, "minimized", detail)); err != nil {
		if errors.Is(err, store.ErrLeaseLost) || errors.Is(err, gdpr.ErrNotFound) {
			return false, nil
		}
		return false, err
	}
	if archive != "" {
		// The request no longer points at the archive: a failure here
		// leaves an orphan blob, which the next start does not reach, so
		// report it.
		if err := p.store.DeleteBlob(ctx, archive); err != nil {
			return true, fmt.Errorf("delete export archive: %w", err)
		}
	}
	if r.RequestType == gdpr.RequestExport {
		// Parts stored for a retry that never came (an export ended in
		// ERROR) hold whole records.
		p.dropParts(ctx, job)
	}
	p.jobLog(job).InfoContext(ctx, "request minimized", "request", r.ID)
	return true, nil
}

// minimizeSubject returns s with every value replaced by the keyed hash
// of its normalized form (as typed when it does not normalize), in the
// space of its term kind, so that it hashes as the same term does.
func minimizeSubject(m *minimization, n adapter.Normalizer, s gdpr.Subject) gdpr.Subject {
	var out gdpr.Subject
	for _, t := range s.Terms() {
		// The value is hashed in normal form, so that a hash can be
		// checked against any spelling; an id's scope stays as it is.
		v := t.Value
		if nt, err := n.Term(gdpr.Term{Kind: t.Kind, Value: v}); err == nil {
			v = nt.Value
		}
		t.Value = m.hash(string(t.Kind), v)
		out = out.Merge(t.Subject())
	}
	return out
}
