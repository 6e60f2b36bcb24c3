package gdpr

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// The multi-identifier DSR workflow answers one person's request the way
// the reference document's worked example does:
//
//  1. Resolve: one subject search per identifier the person gave;
//  2. review: keep the subjects the person's identifiers correlate
//     (Confirmed), set aside those a shared term alone found (Ambiguous);
//  3. Fulfil: one request per accepted subject, by its id, plus a request
//     by each identifier that reaches data the subject requests do not;
//     wait for them all and report.

// IdentifierKind is the kind of one identifier a person gives: one of the
// searchable kinds (the values of Kind) or one of the subject ids.
type IdentifierKind string

// Identifier kinds. The first nine have the values of the Kind of
// the same name.
const (
	IdentifierName              IdentifierKind = "NAME"
	IdentifierAddress           IdentifierKind = "ADDRESS"
	IdentifierPhone             IdentifierKind = "PHONE"
	IdentifierEmail             IdentifierKind = "EMAIL"
	IdentifierTwitter           IdentifierKind = "TWITTER"
	IdentifierInstagram         IdentifierKind = "INSTAGRAM"
	IdentifierFacebook          IdentifierKind = "FACEBOOK"
	IdentifierAppleMessages     IdentifierKind = "APPLE_MESSAGES"
	IdentifierExternalID        IdentifierKind = "EXTERNAL_ID"
	IdentifierUserID            IdentifierKind = "USER_ID"
	IdentifierExternalContactID IdentifierKind = "EXTERNAL_CONTACT_ID"
	IdentifierDialerContactID   IdentifierKind = "DIALER_CONTACT_ID"
)

// Kind returns the search type that finds subjects by identifiers
// of kind k, and false for the id kinds, which are not searchable.
func (k IdentifierKind) Kind() (Kind, bool) {
	t := Kind(k)
	return t, t.Validate() == nil
}

// IsID reports whether k is one of the subject ids: USER_ID,
// EXTERNAL_CONTACT_ID or DIALER_CONTACT_ID.
func (k IdentifierKind) IsID() bool {
	return k == IdentifierUserID || k == IdentifierExternalContactID || k == IdentifierDialerContactID
}

// Shared reports whether values of kind k are commonly shared by several
// people: names (namesakes) and addresses (housemates). A shared
// identifier alone never identifies a person.
func (k IdentifierKind) Shared() bool { return k == IdentifierName || k == IdentifierAddress }

// Identifier is one identifier a person gave: its kind and value.
type Identifier struct {
	Kind  IdentifierKind `json:"kind"`
	Value string         `json:"value"`
	// ContactListID qualifies a DIALER_CONTACT_ID; it is "" for every
	// other kind.
	ContactListID string `json:"contactListId,omitempty"`
}

// Term returns the identifier as the one search term of a request.
func (i Identifier) Term() Subject {
	switch i.Kind {
	case IdentifierName:
		return Subject{Name: i.Value}
	case IdentifierAddress:
		return Subject{Addresses: []string{i.Value}}
	case IdentifierPhone:
		return Subject{PhoneNumbers: []string{i.Value}}
	case IdentifierEmail:
		return Subject{EmailAddresses: []string{i.Value}}
	case IdentifierExternalID:
		return Subject{ExternalID: i.Value}
	case IdentifierUserID:
		return Subject{UserID: i.Value}
	case IdentifierExternalContactID:
		return Subject{ExternalContactID: i.Value}
	case IdentifierDialerContactID:
		return Subject{DialerContactID: &DialerContactID{ID: i.Value, ContactListID: i.ContactListID}}
	}
	return Subject{SocialHandle: &SocialHandle{Type: Kind(i.Kind), Value: i.Value}}
}

// Identifiers is everything a person gave to be found by. Every field is
// optional; empty values are ignored.
type Identifiers struct {
	Names              []string          `json:"names,omitempty"`
	Emails             []string          `json:"emails,omitempty"`
	Phones             []string          `json:"phones,omitempty"`
	Addresses          []string          `json:"addresses,omitempty"`
	SocialHandles      []SocialHandle    `json:"socialHandles,omitempty"`
	ExternalIDs        []string          `json:"externalIds,omitempty"`
	UserIDs            []string          `json:"userIds,omitempty"`
	ExternalContactIDs []string          `json:"externalContactIds,omitempty"`
	DialerContactIDs   []DialerContactID `json:"dialerContactIds,omitempty"`
}

// List returns the identifiers one by one in a fixed order (names,
// emails, phones, addresses, social handles, external ids, then the ids),
// with surrounding space trimmed, emails in lower case, empty values
// dropped and repeats (same kind and value, in any case) listed once. It
// fails on a social handle of a type that is not a social type and on a
// dialer contact id without its contact list.
func (ids Identifiers) List() ([]Identifier, error) {
	var out []Identifier
	seen := map[string]bool{}
	add := func(k IdentifierKind, v, list string) {
		v, list = strings.TrimSpace(v), strings.TrimSpace(list)
		if k == IdentifierEmail {
			v = strings.ToLower(v)
		}
		key := string(k) + "\x00" + strings.ToLower(list) + "\x00" + strings.ToLower(v)
		if v == "" || seen[key] {
			return
		}
		seen[key] = true
		out = append(out, Identifier{Kind: k, Value: v, ContactListID: list})
	}
	for _, groups := range []struct {
		k  IdentifierKind
		vs []string
	}{{IdentifierName, ids.Names}, {IdentifierEmail, ids.Emails}, {IdentifierPhone, ids.Phones}, {IdentifierAddress, ids.Addresses}} {
		for _, v := range groups.vs {
			add(groups.k, v, "")
		}
	}
	for _, h := range ids.SocialHandles {
		if !h.Type.IsSocial() {
			return nil, fmt.Errorf("gdpr: identifiers: social handle type %q is not one of TWITTER, INSTAGRAM, FACEBOOK, APPLE_MESSAGES", h.Type)
		}
		add(IdentifierKind(h.Type), h.Value, "")
	}
	for _, groups := range []struct {
		k  IdentifierKind
		vs []string
	}{{IdentifierExternalID, ids.ExternalIDs}, {IdentifierUserID, ids.UserIDs}, {IdentifierExternalContactID, ids.ExternalContactIDs}} {
		for _, v := range groups.vs {
			add(groups.k, v, "")
		}
	}
	for _, d := range ids.DialerContactIDs {
		if strings.TrimSpace(d.ID) != "" && strings.TrimSpace(d.ContactListID) == "" {
			return nil, errors.New("gdpr: identifiers: a dialer contact id needs its contact list id")
		}
		add(IdentifierDialerContactID, d.ID, d.ContactListID)
	}
	return out, nil
}

// Verdict is how sure the workflow is that a candidate subject is the
// person.
type Verdict string

// Verdicts.
const (
	// Confirmed: the person's identifiers correlate the subject with them.
	// Fulfil acts on confirmed subjects by default.
	Confirmed Verdict = "CONFIRMED"
	// Ambiguous: only a shared identifier (a name or an address) found the
	// subject, which may be a namesake. Fulfil leaves it alone unless it
	// is named in FulfilOptions.Include.
	Ambiguous Verdict = "AMBIGUOUS"
)

// Candidate is a subject that at least one of the person's identifiers
// found.
type Candidate struct {
	// ID names the subject within the workflow, by its first id:
	// "userId:ID", "externalContactId:ID", "dialerContactId:LIST/ID", or,
	// for a subject its data store names by no id, "subject:" and a hash
	// of what it carries. Subjects that carry the same id are one
	// candidate.
	ID string `json:"id"`
	// Subject is what the searches returned of the subject, merged; for an
	// id the person gave that no search found, only that id.
	Subject Subject `json:"subject"`
	// Matched lists the person's identifiers that found the subject, in
	// the order of Resolution.Identifiers.
	Matched []Identifier `json:"matched"`
	// Verdict is CONFIRMED or AMBIGUOUS; Reason says why, without values.
	Verdict Verdict `json:"verdict"`
	Reason  string  `json:"reason"`
}

// Is reports whether id names the candidate: its ID, or one of the ids
// its subject carries (a userId, an externalContactId, or a
// dialerContactId as ID or LIST/ID).
func (c *Candidate) Is(id string) bool {
	if id == "" {
		return false
	}
	if id == c.ID {
		return true
	}
	s := c.Subject
	if s.UserID != "" && strings.EqualFold(id, s.UserID) ||
		s.ExternalContactID != "" && strings.EqualFold(id, s.ExternalContactID) {
		return true
	}
	if d := s.DialerContactID; d != nil && d.ID != "" {
		return strings.EqualFold(id, d.ID) || strings.EqualFold(id, d.ContactListID+"/"+d.ID)
	}
	return false
}

// requestTerm returns the id a request for the candidate names it by, and
// false when its subject carries no id.
func (c *Candidate) requestTerm() (Identifier, bool) {
	s := c.Subject
	switch {
	case s.UserID != "":
		return Identifier{Kind: IdentifierUserID, Value: s.UserID}, true
	case s.ExternalContactID != "":
		return Identifier{Kind: IdentifierExternalContactID, Value: s.ExternalContactID}, true
	case s.DialerContactID != nil && s.DialerContactID.ID != "":
		return Identifier{Kind: IdentifierDialerContactID, Value: s.DialerContactID.ID, ContactListID: s.DialerContactID.ContactListID}, true
	}
	return Identifier{}, false
}

func (c *Candidate) matched(id Identifier) bool { return slices.Contains(c.Matched, id) }

// Resolution is what Resolve found: each candidate subject with the
// identifiers it matched and its verdict, and the identifiers that matched
// nothing. It is plain data: it marshals to JSON and back, so that it can
// be reviewed, stored, and fulfilled later.
type Resolution struct {
	// Identifiers are the person's identifiers, as Identifiers.List gives
	// them.
	Identifiers []Identifier `json:"identifiers"`
	// Candidates are in the order the identifiers found them.
	Candidates []Candidate `json:"candidates"`
	// Unmatched lists the identifiers that found no subject.
	Unmatched []Identifier `json:"unmatched,omitempty"`
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

// searchConcurrency is how many subject searches Resolve runs at once. A
// Client also throttles itself to its rate limit.
const searchConcurrency = 4

// Resolve finds the subjects a person's identifiers match and classifies
// them. It runs one subject search per searchable identifier (names,
// emails, phones, addresses, social handles, external ids), at most four
// at a time. An id the person gave (userId, externalContactId,
// dialerContactId) counts as matched for the subject that carries it; when
// no search returned that subject, it is a candidate of its own, carrying
// only the id.
//
// A candidate is Confirmed when it matched an id the person gave, or an
// identifying term (an email, a phone, a social handle, an external id),
// or identifiers of at least two kinds (a name and an address, say). It is
// Ambiguous when it matched only one kind of shared term, names or
// addresses: a namesake, a housemate, or the person; a human decides.
//
// Resolve changes nothing. It fails when no identifier is given, an
// identifier is invalid, or any search fails; nothing is half-resolved.
func Resolve(ctx context.Context, svc Service, ids Identifiers) (*Resolution, error) {
	list, err := ids.List()
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, errors.New("gdpr: resolve: no identifiers; give at least a name, an email, a phone or an id")
	}
	found := make([][]Subject, len(list))
	err = forEachLimit(ctx, len(list), searchConcurrency, func(ctx context.Context, i int) error {
		t, ok := list[i].Kind.Kind()
		if !ok {
			return nil
		}
		s, err := svc.SearchSubjects(ctx, t, list[i].Value)
		if err != nil {
			return fmt.Errorf("gdpr: resolve: search by %s: %w", t, err)
		}
		found[i] = s
		return nil
	})
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("gdpr: resolve: %w", ctxErr)
		}
		return nil, err
	}
	return resolution(list, found), nil
}

// resolution merges the search results into candidates and classifies
// them.
func resolution(list []Identifier, found [][]Subject) *Resolution {
	res := &Resolution{Identifiers: list, Candidates: []Candidate{}}
	byID := map[string]int{}
	match := func(i int, id Identifier) {
		if !res.Candidates[i].matched(id) {
			res.Candidates[i].Matched = append(res.Candidates[i].Matched, id)
		}
	}
	for i, id := range list {
		for _, s := range found[i] {
			key := subjectKey(s)
			j, ok := byID[key]
			if !ok {
				j = len(res.Candidates)
				byID[key] = j
				res.Candidates = append(res.Candidates, Candidate{ID: key, Subject: s.Clone()})
			} else {
				res.Candidates[j].Subject = mergeSubjects(res.Candidates[j].Subject, s)
			}
			match(j, id)
		}
	}
	for _, id := range list {
		if !id.Kind.IsID() {
			continue
		}
		if c, ok := res.carrying(id); ok {
			match(c, id)
			continue
		}
		s := id.Term()
		res.Candidates = append(res.Candidates, Candidate{ID: subjectKey(s), Subject: s, Matched: []Identifier{id}})
	}
	for i := range res.Candidates {
		c := &res.Candidates[i]
		slices.SortStableFunc(c.Matched, func(a, b Identifier) int {
			return slices.Index(list, a) - slices.Index(list, b)
		})
		c.Verdict, c.Reason = verdict(c.Matched)
	}
	for _, id := range list {
		if !slices.ContainsFunc(res.Candidates, func(c Candidate) bool { return c.matched(id) }) {
			res.Unmatched = append(res.Unmatched, id)
		}
	}
	return res
}

// carrying returns the index of the candidate whose subject carries the
// id.
func (r *Resolution) carrying(id Identifier) (int, bool) {
	for i, c := range r.Candidates {
		s := c.Subject
		switch id.Kind {
		case IdentifierUserID:
			if strings.EqualFold(s.UserID, id.Value) {
				return i, true
			}
		case IdentifierExternalContactID:
			if strings.EqualFold(s.ExternalContactID, id.Value) {
				return i, true
			}
		case IdentifierDialerContactID:
			if d := s.DialerContactID; d != nil && strings.EqualFold(d.ID, id.Value) &&
				strings.EqualFold(d.ContactListID, id.ContactListID) {
				return i, true
			}
		}
	}
	return 0, false
}

// verdict classifies a candidate by the identifiers it matched.
func verdict(matched []Identifier) (Verdict, string) {
	kinds := map[IdentifierKind]bool{}
	for _, m := range matched {
		if m.Kind.IsID() {
			return Confirmed, fmt.Sprintf("the person gave its %s", m.Kind)
		}
		kinds[m.Kind] = true
	}
	for _, m := range matched {
		if !m.Kind.Shared() {
			return Confirmed, fmt.Sprintf("matched the person's %s", m.Kind)
		}
	}
	if len(kinds) >= 2 {
		return Confirmed, "matched the person's NAME and ADDRESS"
	}
	if len(matched) == 0 {
		return Ambiguous, "matched nothing"
	}
	return Ambiguous, fmt.Sprintf("matched only a %s, which others may share", matched[0].Kind)
}

// subjectKey names a subject by its first id, or by a hash of what it
// carries when it has none; see Candidate.ID.
func subjectKey(s Subject) string {
	switch {
	case s.UserID != "":
		return "userId:" + s.UserID
	case s.ExternalContactID != "":
		return "externalContactId:" + s.ExternalContactID
	case s.DialerContactID != nil && s.DialerContactID.ID != "":
		return "dialerContactId:" + s.DialerContactID.ContactListID + "/" + s.DialerContactID.ID
	}
	b, _ := json.Marshal(s)
	sum := sha256.Sum256(b)
	return "subject:" + hex.EncodeToString(sum[:8])
}

// mergeSubjects returns a with what b knows and a does not.
func mergeSubjects(a, b Subject) Subject {
	a = a.Clone()
	b = b.Clone()
	for _, f := range []struct{ dst, src *string }{{&a.Name, &b.Name}, {&a.UserID, &b.UserID},
		{&a.ExternalContactID, &b.ExternalContactID}, {&a.ExternalID, &b.ExternalID}} {
		if *f.dst == "" {
			*f.dst = *f.src
		}
	}
	if a.DialerContactID == nil {
		a.DialerContactID = b.DialerContactID
	}
	if a.JourneyCustomer == nil {
		a.JourneyCustomer = b.JourneyCustomer
	}
	if a.SocialHandle == nil {
		a.SocialHandle = b.SocialHandle
	}
	union := func(x, y []string) []string {
		for _, v := range y {
			if !slices.Contains(x, v) {
				x = append(x, v)
			}
		}
		return x
	}
	a.Addresses = union(a.Addresses, b.Addresses)
	a.PhoneNumbers = union(a.PhoneNumbers, b.PhoneNumbers)
	a.EmailAddresses = union(a.EmailAddresses, b.EmailAddresses)
	return a
}

// forEachLimit runs f(ctx, i) for i in [0, n), at most limit at a time.
// The first failure cancels the rest and is returned; when ctx ends first,
// its error is.
func forEachLimit(ctx context.Context, n, limit int, f func(context.Context, int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sem := make(chan struct{}, max(limit, 1))
	var wg sync.WaitGroup
loop:
	for i := range n {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			break loop
		}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := f(ctx, i); err != nil {
				cancel(err)
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	return nil
}
