package dsr

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gdprkit/gdpr"
)

// Options are the decisions a plan carries out. The zero value acts on
// the confirmed candidates only, and is enough for an export.
type Options struct {
	// Include names ambiguous candidates to act on as well (by
	// Candidate.ID or by an id their subject carries), after a human has
	// checked they are the person. A name that matches no candidate is an
	// error.
	Include []string
	// DeleteConfirmed must be true for GDPR_DELETE: the caller has
	// reviewed the Resolution and accepts that every accepted subject is
	// erased.
	DeleteConfirmed bool
	// ReplacementTerms say what to change; required for GDPR_UPDATE and
	// rejected on the other types. Every request carries all of them.
	ReplacementTerms []gdpr.ReplacementTerm
	// DSRID names the data subject request (a ticket number, say). It is
	// each request's Name, and every request's idempotency key derives
	// from it, so that submitting the same plan again returns the requests
	// made before instead of making new ones. "" takes an id derived from
	// the identifiers: DeriveIDWithKey under DSRKey.
	DSRID string
	// DSRKey keys the id derived from the identifiers when DSRID is "".
	// Without a key the derived id, and the idempotency keys made from it,
	// can be tested by anyone who guesses the identifiers (an email
	// address, say); with one, only holders of the key can. Keep it
	// secret and the same across runs, or submitting again after a crash
	// makes new requests instead of resuming.
	DSRKey []byte
}

// Plan is what Submit will do: the requests it makes, and what it leaves
// alone and why. It is plain data, marshalable to JSON.
type Plan struct {
	DSRID string           `json:"dsrId"`
	Type  gdpr.RequestType `json:"type"`
	// DeleteConfirmed is Options.DeleteConfirmed of a GDPR_DELETE.
	DeleteConfirmed bool `json:"deleteConfirmed,omitempty"`
	// ReplacementTerms are those of a GDPR_UPDATE.
	ReplacementTerms []gdpr.ReplacementTerm `json:"replacementTerms,omitempty"`
	// Subjects lists the IDs of the accepted candidates.
	Subjects []string `json:"subjects"`
	// Requests are made in this order.
	Requests []PlannedRequest `json:"requests"`
	// Skipped lists the candidates and the identifiers no request acts on
	// directly, with the reason.
	Skipped []Skipped `json:"skipped,omitempty"`
}

// PlannedRequest is one request of a Plan.
type PlannedRequest struct {
	// Subject is the ID of the accepted candidate the request is for, or
	// "" for a request by one of the person's identifiers.
	Subject string `json:"subject,omitempty"`
	// Term is the request's one search term: the subject's id, or the
	// person's identifier.
	Term gdpr.Term `json:"term"`
	// IdempotencyKey derives from the DSR id, the request type, the
	// subject and the term; it holds no personal data.
	IdempotencyKey string `json:"idempotencyKey"`
}

// For says whom the request is for without personal data: its subject's
// ID, or "the person's KIND" for a request by an identifier.
func (q PlannedRequest) For() string {
	if q.Subject != "" {
		return q.Subject
	}
	return "the person's " + string(q.Term.Kind)
}

// Skipped is a candidate or an identifier that no request of a Plan acts
// on directly. Exactly one of Subject and Term is set.
type Skipped struct {
	Subject string     `json:"subject,omitempty"`
	Term    *gdpr.Term `json:"term,omitempty"`
	Reason  string     `json:"reason"`
}

// Plan returns the requests that carry out opts for a request of type typ,
// and what they leave alone. It contacts no Service, so a caller can show
// the plan and ask for confirmation first.
//
// Each accepted subject (confirmed, or named in opts.Include) that carries
// an id (gdpr.Kind.IsID) is requested by that id: the Service resolves it
// into the subject's record, reaching namesakes by no shared term. Each
// identifier the person gave is requested as well when it reaches data
// those requests do not, and touches no subject that is not accepted.
func (r *Resolution) Plan(typ gdpr.RequestType, opts Options) (*Plan, error) {
	if err := checkOptions(typ, opts); err != nil {
		return nil, fmt.Errorf("dsr: plan: %w", err)
	}
	accepted := make([]bool, len(r.Candidates))
	for i, c := range r.Candidates {
		accepted[i] = c.Verdict == Confirmed
	}
	for _, id := range opts.Include {
		i := slices.IndexFunc(r.Candidates, func(c Candidate) bool { return c.Is(id) })
		if i < 0 {
			return nil, fmt.Errorf("dsr: plan: include %q names no candidate of the resolution; use a candidate's ID or an id its subject carries", id)
		}
		accepted[i] = true
	}
	p := &Plan{DSRID: opts.DSRID, Type: typ, Subjects: []string{}, Requests: []PlannedRequest{},
		DeleteConfirmed: typ == gdpr.RequestDelete, ReplacementTerms: opts.ReplacementTerms}
	if p.DSRID == "" {
		p.DSRID = DeriveIDWithKey(opts.DSRKey, r.Identifiers)
	}
	add := func(subject string, term gdpr.Term) {
		p.Requests = append(p.Requests, PlannedRequest{Subject: subject, Term: term,
			IdempotencyKey: idempotencyKey(p.DSRID, typ, subject, term)})
	}
	for i, c := range r.Candidates {
		if !accepted[i] {
			p.Skipped = append(p.Skipped, Skipped{Subject: c.ID,
				Reason: "ambiguous (" + c.Reason + "); include it to act on it"})
			continue
		}
		p.Subjects = append(p.Subjects, c.ID)
		if term, ok := c.requestTerm(); ok {
			add(c.ID, term)
		}
	}
	for _, t := range r.Identifiers {
		if t.Kind.IsID() {
			continue // requested as its subject
		}
		if reason := r.termSkipReason(t, accepted); reason != "" {
			p.Skipped = append(p.Skipped, Skipped{Term: &t, Reason: reason})
			continue
		}
		add("", t)
	}
	for i, c := range r.Candidates {
		if _, named := c.requestTerm(); named || !accepted[i] {
			continue
		}
		if !slices.ContainsFunc(p.Requests, func(q PlannedRequest) bool { return q.Subject == "" && c.matched(q.Term) }) {
			p.Skipped = append(p.Skipped, Skipped{Subject: c.ID,
				Reason: "carries no id, and every identifier that found it also found a subject not accepted"})
		}
	}
	return p, nil
}

// checkOptions refuses options that do not fit the request type, saying
// what to fix.
func checkOptions(typ gdpr.RequestType, opts Options) error {
	if err := typ.Validate(); err != nil {
		return err
	}
	switch {
	case typ == gdpr.RequestDelete && !opts.DeleteConfirmed:
		return errors.New("a GDPR_DELETE needs DeleteConfirmed: review the resolution first")
	case typ == gdpr.RequestUpdate && len(opts.ReplacementTerms) == 0:
		return errors.New("a GDPR_UPDATE needs replacement terms")
	case typ != gdpr.RequestUpdate && len(opts.ReplacementTerms) > 0:
		return fmt.Errorf("replacement terms are for GDPR_UPDATE only, not %s", typ)
	}
	return nil
}

// termSkipReason says why no request is made by the identifier t, or ""
// when one is.
//
// A request by a term acts on everyone who carries it, so a term that
// also found a subject not accepted (a namesake) is never used. A term
// that found only accepted subjects named by an id is covered by their
// requests. An identifying term that found nobody is used: the data it
// reaches (interactions, say) is not always held under a subject a search
// finds. A shared term is used only for accepted subjects with no id to be
// requested by; alone it identifies nobody.
func (r *Resolution) termSkipReason(t gdpr.Term, accepted []bool) string {
	var others, covered []string
	idless := false
	for i, c := range r.Candidates {
		if !c.matched(t) {
			continue
		}
		_, named := c.requestTerm()
		switch {
		case !accepted[i]:
			others = append(others, c.ID)
		case named:
			covered = append(covered, c.ID)
		default:
			idless = true
		}
	}
	switch {
	case len(others) > 0:
		return fmt.Sprintf("also matches %s, not accepted; a request by this term would act on it too", strings.Join(others, ", "))
	case idless:
		return ""
	case len(covered) > 0:
		return "covered by the request for " + strings.Join(covered, ", ")
	case t.Kind.Shared():
		return fmt.Sprintf("a %s alone identifies nobody, and it matched no subject", t.Kind)
	}
	return ""
}
