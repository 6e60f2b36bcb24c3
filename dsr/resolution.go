package dsr

import (
	"slices"
	"strings"

	"github.com/gdprkit/gdpr"
)

// Verdict is how sure the workflow is that a candidate subject is the
// person.
type Verdict string

// Verdicts.
const (
	// Confirmed: the person's identifiers correlate the subject with them.
	// A plan acts on confirmed subjects by default.
	Confirmed Verdict = "CONFIRMED"
	// Ambiguous: only a shared identifier (a name or an address) found the
	// subject, which may be a namesake. A plan leaves it alone unless
	// Options.Include names it.
	Ambiguous Verdict = "AMBIGUOUS"
)

// Candidate is a subject that at least one of the person's identifiers
// found.
type Candidate struct {
	// ID names the subject within the workflow: its gdpr.Subject.Key, such
	// as "userId:ID" or "dialerContactId:LIST/ID". Subjects with the same
	// key are one candidate.
	ID string `json:"id"`
	// Subject is what the searches returned of the subject, merged; for an
	// id the person gave that no search found, only that id.
	Subject gdpr.Subject `json:"subject"`
	// Matched lists the person's identifiers that found the subject, in
	// the order of Resolution.Identifiers.
	Matched []gdpr.Term `json:"matched"`
	// Verdict is CONFIRMED or AMBIGUOUS; Reason says why, without values.
	Verdict Verdict `json:"verdict"`
	Reason  string  `json:"reason"`
}

// Is reports whether id names the candidate: its ID, or one of the ids
// its subject carries (see gdpr.Kind.IsID), as the id alone or, for an id
// with a scope (a dialer contact's list, a journey customer's type), as
// SCOPE/ID.
func (c *Candidate) Is(id string) bool {
	if id == "" {
		return false
	}
	if id == c.ID {
		return true
	}
	for _, t := range c.Subject.Terms() {
		if !t.Kind.IsID() {
			continue
		}
		if strings.EqualFold(id, t.Value) || t.Scope != "" && strings.EqualFold(id, t.Scope+"/"+t.Value) {
			return true
		}
	}
	return false
}

// requestTerm returns the id a request for the candidate names it by: the
// first id its subject carries, in the order of gdpr.Subject.Terms
// (userId, externalContactId, dialerContactId, journeyCustomer). It is
// false when the subject carries no id.
func (c *Candidate) requestTerm() (gdpr.Term, bool) {
	for _, t := range c.Subject.Terms() {
		if t.Kind.IsID() {
			return t, true
		}
	}
	return gdpr.Term{}, false
}

// carries reports whether the candidate's subject carries the id term t,
// in any case.
func (c *Candidate) carries(t gdpr.Term) bool {
	for _, have := range c.Subject.Terms() {
		if have.Kind == t.Kind && strings.EqualFold(have.Value, t.Value) && strings.EqualFold(have.Scope, t.Scope) {
			return true
		}
	}
	return false
}

func (c *Candidate) matched(t gdpr.Term) bool { return slices.Contains(c.Matched, t) }

// Resolution is what Resolve found: each candidate subject with the
// identifiers it matched and its verdict, and the identifiers that matched
// nothing. It is plain data: it marshals to JSON and back, so that it can
// be reviewed, stored, and planned later.
type Resolution struct {
	// Identifiers are the person's identifiers, as Identifiers.Terms
	// gives them.
	Identifiers []gdpr.Term `json:"identifiers"`
	// Candidates are in the order the identifiers found them.
	Candidates []Candidate `json:"candidates"`
	// Unmatched lists the identifiers that found no subject.
	Unmatched []gdpr.Term `json:"unmatched,omitempty"`
}

// Confirmed returns the confirmed candidates, in order.
func (r *Resolution) Confirmed() []Candidate { return r.withVerdict(Confirmed) }

// Ambiguous returns the ambiguous candidates, in order.
func (r *Resolution) Ambiguous() []Candidate { return r.withVerdict(Ambiguous) }

func (r *Resolution) withVerdict(v Verdict) []Candidate {
	var out []Candidate
	for _, c := range r.Candidates {
		if c.Verdict == v {
			out = append(out, c)
		}
	}
	return out
}

// Candidate returns the candidate that id names (see Candidate.Is), and
// false when none does.
func (r *Resolution) Candidate(id string) (*Candidate, bool) {
	for i := range r.Candidates {
		if r.Candidates[i].Is(id) {
			return &r.Candidates[i], true
		}
	}
	return nil, false
}
