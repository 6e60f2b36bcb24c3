package apiadapter

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

// retry runs f until it returns anything but a rate limit, waiting out
// each 429's Retry-After (a second when it has none): a rate limit never
// fails a step. ctx ends it.
func (a *Adapter) retry(ctx context.Context, f func() error) error {
	for {
		err := f()
		var rl *gdpr.RateLimitError
		if !errors.As(err, &rl) {
			return err
		}
		wait := rl.RetryAfter
		if wait <= 0 {
			wait = time.Second
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// namePrefix starts the name of every remote request the adapter creates.
const namePrefix = "gdprkit "

// maxGenerations bounds how many times the remote request of one subject
// is created again after ending in ERROR within one step.
const maxGenerations = 5

// stepPrefix starts the names of the remote requests of type typ made for
// op's step: the same for every attempt of the step.
func (a *Adapter) stepPrefix(op adapter.Op, typ gdpr.RequestType) string {
	h := sha256.Sum256([]byte(op.RequestID + "\x00" + a.name + "\x00" + string(typ)))
	return namePrefix + hex.EncodeToString(h[:8]) + " "
}

// keyOf is the name and idempotency key of the remote request of type typ
// for the subject remote key rk, in generation gen: the same for every
// attempt of the step, so that a retry finds the request made before.
func (a *Adapter) keyOf(op adapter.Op, typ gdpr.RequestType, rk string, gen int) string {
	h := sha256.Sum256([]byte(rk))
	return a.stepPrefix(op, typ) + hex.EncodeToString(h[:8]) + " g" + strconv.Itoa(gen)
}

// generation reads the generation from a remote request's name, -1 when
// the adapter did not name it.
func generation(name string) int {
	i := strings.LastIndex(name, " g")
	if !strings.HasPrefix(name, namePrefix) || i < 0 {
		return -1
	}
	n, err := strconv.Atoi(name[i+2:])
	if err != nil {
		return -1
	}
	return n
}

// begin returns the remote requests of type typ of op's step: with
// WithLookup, those earlier runs made (found in the remote's list by the
// step's names, whose subjects the remote may have erased since), and one
// for each subject that has none, created or found by its key.
func (a *Adapter) begin(ctx context.Context, op adapter.Op, typ gdpr.RequestType, subjects []gdpr.Subject, repl []gdpr.ReplacementTerm) ([]string, error) {
	var ids []string
	var known map[string]*gdpr.Request
	have := map[string]bool{}
	if a.lookup {
		var err error
		if known, err = a.findStep(ctx, a.stepPrefix(op, typ)); err != nil {
			return nil, fmt.Errorf("apiadapter %s: %w", a.name, err)
		}
		for _, r := range latest(known) {
			ids = append(ids, r.ID)
			have[remoteKey(r.Subject)] = true
		}
	}
	for _, s := range subjects {
		if have[remoteKey(s)] {
			continue
		}
		req, err := a.create(ctx, op, typ, s, repl, 0, known)
		if errors.Is(err, errGone) {
			continue
		}
		if err != nil {
			return nil, err
		}
		ids = append(ids, req.ID)
	}
	return ids, nil
}

// latest returns, of the requests by name, the latest generation of each
// subject's, in name order.
func latest(byName map[string]*gdpr.Request) []*gdpr.Request {
	names := slices.Sorted(maps.Keys(byName))
	var out []*gdpr.Request
	for i, n := range names {
		base := n[:strings.LastIndex(n, " g")]
		if i+1 < len(names) && strings.HasPrefix(names[i+1], base+" g") && generation(names[i+1]) > generation(n) {
			continue
		}
		out = append(out, byName[n])
	}
	return out
}

// create makes the remote request of type typ for remote subject s, or
// finds the one made for it before (in known, with WithLookup; else by its
// idempotency key); from starts the generations tried. A request found in
// ERROR is passed over for the next generation.
func (a *Adapter) create(ctx context.Context, op adapter.Op, typ gdpr.RequestType, s gdpr.Subject, repl []gdpr.ReplacementTerm, from int, known map[string]*gdpr.Request) (*gdpr.Request, error) {
	rk := remoteKey(s)
	if rk == "" {
		return nil, fmt.Errorf("apiadapter %s: a remote subject has no user, external contact or dialer contact id; it cannot be named in a request, and a request by a bare name could reach other people", a.name)
	}
	for gen := from; gen < maxGenerations; gen++ {
		key := a.keyOf(op, typ, rk, gen)
		spec := gdpr.RequestSpec{Name: key, Type: typ, Subject: byID(s), ReplacementTerms: repl,
			DeleteConfirmed: typ == gdpr.RequestDelete, IdempotencyKey: key}
		req, err := known[key], error(nil)
		if req == nil {
			err = a.retry(ctx, func() error {
				req, err = a.remote.CreateRequest(ctx, spec)
				return err
			})
		}
		if gone(err) {
			return nil, errGone
		}
		if err != nil {
			return nil, fmt.Errorf("apiadapter %s: create %s: %w", a.name, typ, err)
		}
		if req.Status != gdpr.StatusError {
			return req, nil
		}
	}
	return nil, fmt.Errorf("apiadapter %s: the remote %s request of one subject ended in ERROR %d times", a.name, typ, maxGenerations)
}

// errGone is a remote subject that the remote no longer knows when the
// request naming it is created: erased since it was found, by another
// request. There is nothing of it to export, update or erase.
var errGone = errors.New("apiadapter: the remote no longer knows the subject")

// gone reports whether err is the remote's answer to a request naming a
// subject by an id it does not know (400 invalid.value on the subject's
// id field).
func gone(err error) bool {
	var ae *gdpr.APIError
	return errors.As(err, &ae) && ae.Status() == 400 && ae.Code() == gdpr.CodeInvalidValue &&
		strings.HasPrefix(ae.Field(), "subject.") && strings.HasSuffix(strings.ToLower(ae.Field()), "id")
}

// lookupPages bounds how many pages of the remote's request list find
// reads, newest first.
const lookupPages = 20

// findStep returns the requests in the newest lookupPages pages of the
// remote's list whose names start with prefix, by name.
func (a *Adapter) findStep(ctx context.Context, prefix string) (map[string]*gdpr.Request, error) {
	found := map[string]*gdpr.Request{}
	for page := 1; page <= lookupPages; page++ {
		var l *gdpr.RequestEntityListing
		err := a.retry(ctx, func() error {
			var err error
			l, err = a.remote.ListRequests(ctx, gdpr.ListOptions{PageSize: 100, PageNumber: page})
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("list requests: %w", err)
		}
		for i := range l.Entities {
			if r := &l.Entities[i]; strings.HasPrefix(r.Name, prefix) && generation(r.Name) >= 0 {
				found[r.Name] = r
			}
		}
		if len(l.Entities) < 100 {
			break
		}
	}
	return found, nil
}

// get returns the remote request id.
func (a *Adapter) get(ctx context.Context, id string) (*gdpr.Request, error) {
	var req *gdpr.Request
	err := a.retry(ctx, func() error {
		var err error
		req, err = a.remote.GetRequest(ctx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("apiadapter %s: get request: %w", a.name, err)
	}
	return req, nil
}

// look gets the remote requests ids, creating again, for its subject, each
// that ended in ERROR; one whose subject the remote no longer knows is
// dropped (nothing is left of it). It returns the requests and how many
// are COMPLETED.
func (a *Adapter) look(ctx context.Context, op adapter.Op, ids []string) ([]*gdpr.Request, int, error) {
	reqs := make([]*gdpr.Request, 0, len(ids))
	done := 0
	for _, id := range ids {
		req, err := a.get(ctx, id)
		if err != nil {
			return nil, 0, err
		}
		if req.Status == gdpr.StatusError {
			gen := generation(req.Name)
			if gen < 0 {
				return nil, 0, fmt.Errorf("apiadapter %s: remote request %s ended in ERROR and was not made by this adapter", a.name, id)
			}
			var known map[string]*gdpr.Request
			if a.lookup {
				if known, err = a.findStep(ctx, a.stepPrefix(op, req.RequestType)); err != nil {
					return nil, 0, fmt.Errorf("apiadapter %s: %w", a.name, err)
				}
			}
			req, err = a.create(ctx, op, req.RequestType, req.Subject, req.ReplacementTerms, gen+1, known)
			if errors.Is(err, errGone) {
				continue
			}
			if err != nil {
				return nil, 0, err
			}
		}
		if req.Status == gdpr.StatusCompleted {
			done++
		}
		reqs = append(reqs, req)
	}
	return reqs, done, nil
}

// await looks at the remote requests until all are COMPLETED, or, when
// WithInlineWait passes first, returns an adapter.WaitError naming them
// with settled as the Outcome settled so far.
func (a *Adapter) await(ctx context.Context, op adapter.Op, ids []string, settled gdpr.Outcome) ([]*gdpr.Request, error) {
	deadline := time.Now().Add(a.inline)
	wait := 20 * time.Millisecond
	for {
		reqs, done, err := a.look(ctx, op, ids)
		if err != nil {
			return nil, err
		}
		if done == len(reqs) {
			return reqs, nil
		}
		ids = ids[:0] // a request made again replaces its predecessor
		for _, r := range reqs {
			ids = append(ids, r.ID)
		}
		if time.Now().Add(wait).After(deadline) {
			return nil, &adapter.WaitError{On: ids, After: a.poll, Outcome: settled,
				Detail: fmt.Sprintf("%d of %d remote requests completed", done, len(reqs))}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, &adapter.WaitError{On: ids, After: a.poll, Outcome: settled,
				Detail: fmt.Sprintf("%d of %d remote requests completed", done, len(reqs))}
		case <-t.C:
		}
		wait = min(2*wait, time.Second)
	}
}
