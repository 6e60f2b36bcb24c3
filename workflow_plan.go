package gdpr

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// FulfilOptions says what Fulfil may do beyond its defaults. The zero
// value acts on the confirmed candidates only, and is enough for an
// export.
type FulfilOptions struct {
	// Include names ambiguous candidates to act on as well (by Candidate.ID
	// or by an id their subject carries), after a human has checked they
	// are the person. A name that matches no candidate is an error.
	Include []string
	// DeleteConfirmed must be true for GDPR_DELETE: the caller has
	// reviewed the Resolution and accepts that every accepted subject is
	// erased.
	DeleteConfirmed bool
	// ReplacementTerms say what to change; required for GDPR_UPDATE and
	// rejected on the other types. Every request carries all of them.
	ReplacementTerms []ReplacementTerm
	// DSRID names the data subject request (a ticket number, say). The
	// idempotency key of every request is derived from it, the request
	// type, the subject and the term, so that running Fulfil again with
	// the same DSRID, after a crash or an interruption, returns the
	// requests made before instead of making new ones. It is also each
	// request's Name. "" takes an id derived from the identifiers:
	// DeriveDSRIDWithKey under DSRKey, or DeriveDSRID without one.
	DSRID string
	// DSRKey keys the id derived from the identifiers when DSRID is "".
	// Without a key the derived id, and the idempotency keys made from it,
	// can be tested by anyone who guesses the identifiers (an email
	// address, say); with one, only holders of the key can. Keep it
	// secret and the same across runs, or running again after a crash
	// makes new requests instead of resuming.
	DSRKey []byte
	// Progress, when not nil, is called each time a request is created or
	// its status changes, one call at a time.
	Progress func(Progress)
	// PollInterval is the first interval between reads of a request; it
	// doubles up to 30 s (or PollInterval, when longer). Zero polls every
	// second, or, when the Service is a *Client, uses Client.Wait and the
	// intervals of WithPolling.
	PollInterval time.Duration
	// Concurrency is how many requests are created at once; 0 is 4.
	Concurrency int
}

// Progress is one change of one request during Fulfil.
type Progress struct {
	// Request is the request's entry of the report, as last read.
	Request ReportItem
	// Done counts requests that are COMPLETED, in ERROR or could not be
	// created; Total is how many Fulfil makes.
	Done, Total int
}

// Plan is what Fulfil will do: the requests it makes, and what it leaves
// alone and why. It is plain data, marshalable to JSON.
type Plan struct {
	DSRID string      `json:"dsrId"`
	Type  RequestType `json:"type"`
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
	Term Identifier `json:"term"`
	// IdempotencyKey is derived from the DSR id, the request type, the
	// subject and the term; it holds no personal data.
	IdempotencyKey string `json:"idempotencyKey"`
}

// Skipped is a candidate or an identifier that no request of a Plan acts
// on directly. Exactly one of Subject and Term is set.
type Skipped struct {
	Subject string      `json:"subject,omitempty"`
	Term    *Identifier `json:"term,omitempty"`
	Reason  string      `json:"reason"`
}

// DeriveDSRID returns a DSR id made from the identifiers alone, in any
// order: the same identifiers always give the same id, "dsr-" and 16 hex
// digits. The id does not hold the identifiers, but it is an unkeyed
// hash: whoever guesses them can check the guess against it. Prefer a
// DSR id of your own (a ticket number), or DeriveDSRIDWithKey.
func DeriveDSRID(ids []Identifier) string {
	sum := sha256.Sum256(dsrIdentifiers(ids))
	return "dsr-" + hex.EncodeToString(sum[:8])
}

// DeriveDSRIDWithKey is DeriveDSRID keyed with HMAC-SHA256 under key: the
// same identifiers and key always give the same id, and without the key
// the id cannot be tested against guessed identifiers. An empty key gives
// DeriveDSRID's id.
func DeriveDSRIDWithKey(key []byte, ids []Identifier) string {
	if len(key) == 0 {
		return DeriveDSRID(ids)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("gdprkit dsr id\x00"))
	mac.Write(dsrIdentifiers(ids))
	return "dsr-" + hex.EncodeToString(mac.Sum(nil)[:8])
}

// dsrIdentifiers is the canonical form of ids that DSR ids are derived
// from: kind, contact list and value of each, lowercased, in sorted order.
func dsrIdentifiers(ids []Identifier) []byte {
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = string(id.Kind) + "\x00" + strings.ToLower(id.ContactListID) + "\x00" + strings.ToLower(id.Value)
	}
	slices.Sort(keys)
	return []byte(strings.Join(keys, "\x01"))
}

// Plan returns the requests Fulfil makes for r with the same arguments,
// and what it leaves alone. It checks the options and contacts no
// Service, so a caller can show the plan and ask for confirmation first.
//
// The accepted subjects are the confirmed candidates and those named in
// opts.Include. The requests are, in order:
//
//   - one per accepted subject that carries an id, by that id (userId,
//     else externalContactId, else dialerContactId). The Service resolves
//     the id into the subject's record and acts on its identifying fields
//     (emails, phones, handles, external id) wherever they are held, but on
//     its name and address only through its own records, so namesakes are
//     safe;
//   - one per identifier the person gave, where the term reaches data the
//     subject requests do not, and touches no subject that is not
//     accepted. A request by a term acts on everyone who carries it, so
//     an identifier that also found a subject not accepted (a namesake) is
//     never used as a term. An identifier that found an accepted subject
//     named by an id is already covered by that subject's request. An
//     identifying term (email, phone, handle, external id) that found no
//     subject is used: the data it reaches (interactions, say) is not
//     always held under a subject a search can find. A shared term (name,
//     address) is used only when the subjects it found are all accepted
//     and some carry no id to be requested by; alone it identifies
//     nobody.
func (r *Resolution) Plan(typ RequestType, opts FulfilOptions) (*Plan, error) {
	if err := typ.Validate(); err != nil {
		return nil, fmt.Errorf("gdpr: plan: %w", err)
	}
	switch {
	case typ == RequestDelete && !opts.DeleteConfirmed:
		return nil, errors.New("gdpr: plan: a GDPR_DELETE needs DeleteConfirmed: review the resolution first")
	case typ == RequestUpdate && len(opts.ReplacementTerms) == 0:
		return nil, errors.New("gdpr: plan: a GDPR_UPDATE needs replacement terms")
	case typ != RequestUpdate && len(opts.ReplacementTerms) > 0:
		return nil, fmt.Errorf("gdpr: plan: replacement terms are for GDPR_UPDATE only, not %s", typ)
	}
	accepted := make([]bool, len(r.Candidates))
	for i, c := range r.Candidates {
		accepted[i] = c.Verdict == Confirmed
	}
	for _, id := range opts.Include {
		i := slices.IndexFunc(r.Candidates, func(c Candidate) bool { return c.Is(id) })
		if i < 0 {
			return nil, fmt.Errorf("gdpr: plan: include %q names no candidate of the resolution", id)
		}
		accepted[i] = true
	}
	p := &Plan{DSRID: opts.DSRID, Type: typ, Subjects: []string{}, Requests: []PlannedRequest{}}
	if p.DSRID == "" {
		p.DSRID = DeriveDSRIDWithKey(opts.DSRKey, r.Identifiers)
	}
	add := func(subject string, term Identifier) {
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
	for _, id := range r.Identifiers {
		if id.Kind.IsID() {
			continue // requested as its subject
		}
		if reason := r.termSkipReason(id, accepted); reason != "" {
			p.Skipped = append(p.Skipped, Skipped{Term: &id, Reason: reason})
			continue
		}
		add("", id)
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

// termSkipReason says why no request is made by the identifier, or ""
// when one is.
func (r *Resolution) termSkipReason(id Identifier, accepted []bool) string {
	var others, covered []string
	idless := false
	for i, c := range r.Candidates {
		if !c.matched(id) {
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
	case id.Kind.Shared():
		return fmt.Sprintf("a %s alone identifies nobody, and it matched no subject", id.Kind)
	}
	return ""
}

// idempotencyKey derives a request's key from the DSR, the type, the
// subject and the term.
func idempotencyKey(dsr string, typ RequestType, subject string, term Identifier) string {
	h := sha256.New()
	for _, part := range []string{dsr, string(typ), subject, string(term.Kind), term.ContactListID, term.Value} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return "gdpr-dsr-" + hex.EncodeToString(h.Sum(nil)[:16])
}
