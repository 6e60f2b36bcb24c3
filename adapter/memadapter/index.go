package memadapter

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

// entry is one person the adapter holds. Entries are changed only with the
// adapter's write lock held; version counts the changes, so that Erase can
// tell whether what it planned on is still there.
type entry struct {
	p          Person
	terms      []termKey // normalized, each once, as indexed
	links      []*linked // in load order
	version    uint64
	anonymized bool
}

// linked is one linked record.
type linked struct {
	rec      LinkedRecord
	redacted bool
}

// termKey is a normalized term as the index keys it: scoped ids carry
// their scope in key.
type termKey struct {
	kind gdpr.Kind
	key  string
}

func keyOf(t gdpr.Term) termKey {
	switch t.Kind {
	case gdpr.KindDialerContactID, gdpr.KindJourneyCustomer:
		return termKey{t.Kind, scoped(t.Scope, t.Value)}
	}
	return termKey{t.Kind, t.Value}
}

// scoped joins a scope and a value without ambiguity.
func scoped(scope, v string) string { return strconv.Itoa(len(scope)) + ":" + scope + v }

// index maps every normalized term to the people who carry it.
type index map[gdpr.Kind]map[string][]*entry

func (ix index) add(e *entry) {
	for _, t := range e.terms {
		m := ix[t.kind]
		if m == nil {
			m = make(map[string][]*entry)
			ix[t.kind] = m
		}
		m[t.key] = append(m[t.key], e)
	}
}

func (ix index) remove(e *entry) {
	for _, t := range e.terms {
		m := ix[t.kind]
		es := m[t.key]
		if i := slices.Index(es, e); i >= 0 {
			es = slices.Delete(es, i, i+1)
		}
		if len(es) == 0 {
			delete(m, t.key)
		} else {
			m[t.key] = es
		}
	}
}

func (ix index) has(t termKey) bool { return len(ix[t.kind][t.key]) > 0 }

// match returns the people of org matching any of terms, each once, by
// key. org is "" for an adapter that is not tenant-scoped.
func (a *Adapter) match(org string, terms []gdpr.Term) []*entry {
	var es []*entry
	for _, t := range terms {
		k := keyOf(t)
		for _, e := range a.index[k.kind][k.key] {
			if e.p.Organization == org {
				es = append(es, e)
			}
		}
	}
	slices.SortFunc(es, func(x, y *entry) int { return strings.Compare(x.p.Key, y.p.Key) })
	return slices.Compact(es)
}

// personTerms returns the normalized terms of p, each once, and a
// DataError (Field, Reason, Err) for every value that is not a valid term.
func (a *Adapter) personTerms(p *Person) ([]termKey, []*DataError) {
	var (
		ts   []termKey
		errs []*DataError
	)
	add := func(field string, k gdpr.Kind, v, scope string) {
		n, err := a.norm.Term(gdpr.Term{Kind: k, Value: v, Scope: scope})
		if err != nil {
			errs = append(errs, invalid(field, err))
			return
		}
		t := keyOf(n)
		if !slices.Contains(ts, t) {
			ts = append(ts, t)
		}
	}
	missing := func(field, other string) {
		errs = append(errs, &DataError{Field: field, Reason: "is required with " + other})
	}
	if d := p.DialerContactID; d != nil {
		switch {
		case d.ID == "":
			missing("dialerContactId.id", "contactListId")
		case d.ContactListID == "":
			missing("dialerContactId.contactListId", "id")
		}
	}
	if j := p.JourneyCustomer; j != nil {
		switch {
		case j.ID == "":
			missing("journeyCustomer.id", "type")
		case j.Type == "":
			missing("journeyCustomer.type", "id")
		}
	}
	for field, t := range p.subject().Terms() {
		if (t.Kind == gdpr.KindDialerContactID || t.Kind == gdpr.KindJourneyCustomer) && t.Scope == "" {
			continue // reported as missing above
		}
		add(datasetField(field), t.Kind, t.Value, t.Scope)
	}
	for i, h := range p.SocialHandles {
		if !h.Type.IsSocial() {
			errs = append(errs, &DataError{Field: fmt.Sprintf("socialHandles[%d].type", i),
				Reason: "is not TWITTER, INSTAGRAM, FACEBOOK or APPLE_MESSAGES"})
			continue
		}
		add(fmt.Sprintf("socialHandles[%d].value", i), gdpr.Kind(h.Type), h.Value, "")
	}
	return ts, errs
}

// invalid describes a value the normalizer refused. The normalizer's
// message names the kind of term and the rule, never the value.
func invalid(field string, err error) *DataError {
	reason := err.Error()
	if e, ok := err.(*gdpr.APIError); ok {
		reason = e.Body.Message
	}
	return &DataError{Field: field, Reason: "not valid: " + reason, Err: err}
}

// subject is the person as Search and Resolve answer it: every field as
// written, the first social handle.
func (e *entry) subject() gdpr.Subject {
	s := e.p.subject()
	if len(e.p.SocialHandles) > 0 {
		s.SocialHandle = &e.p.SocialHandles[0]
	}
	return s.Clone()
}

// subject is p as a gdpr.Subject without its social handles, which a
// Subject holds only one of. It shares p's slices.
func (p *Person) subject() gdpr.Subject {
	return gdpr.Subject{
		Name:              p.Name,
		UserID:            p.UserID,
		ExternalContactID: p.ExternalContactID,
		DialerContactID:   p.DialerContactID,
		JourneyCustomer:   p.JourneyCustomer,
		ExternalID:        p.ExternalID,
		Addresses:         p.Addresses,
		PhoneNumbers:      p.Phones,
		EmailAddresses:    p.Emails,
	}
}

// datasetField names a field of a Subject's term walk as the data set
// spells it.
func datasetField(field string) string {
	for subject, dataset := range map[string]string{"emailAddresses": "emails", "phoneNumbers": "phones",
		"dialerContactId": "dialerContactId.id", "journeyCustomer": "journeyCustomer.id"} {
		if rest, ok := strings.CutPrefix(field, subject); ok {
			return dataset + rest
		}
	}
	return field
}

// record is the person as Export and keep functions see it.
func (e *entry) record() adapter.Record {
	p := &e.p
	f := make(map[string]any)
	set := func(name, v string) {
		if v != "" {
			f[name] = v
		}
	}
	list := func(name string, vs []string) {
		if len(vs) > 0 {
			f[name] = slices.Clone(vs)
		}
	}
	set("userId", p.UserID)
	set("externalContactId", p.ExternalContactID)
	if d := p.DialerContactID; d != nil {
		f["dialerContactId"] = map[string]any{"id": d.ID, "contactListId": d.ContactListID}
	}
	if j := p.JourneyCustomer; j != nil {
		f["journeyCustomer"] = map[string]any{"type": j.Type, "id": j.ID}
	}
	set("externalId", p.ExternalID)
	set("name", p.Name)
	list("emails", p.Emails)
	list("phones", p.Phones)
	list("addresses", p.Addresses)
	if len(p.SocialHandles) > 0 {
		hs := make([]any, len(p.SocialHandles))
		for i, h := range p.SocialHandles {
			hs[i] = map[string]any{"type": string(h.Type), "value": h.Value}
		}
		f["socialHandles"] = hs
	}
	set("employment", p.Employment)
	if len(p.Attributes) > 0 {
		f["attributes"] = cloneFields(p.Attributes)
	}
	if e.anonymized {
		f["anonymized"] = true
	}
	return adapter.Record{Kind: p.Kind, ID: p.Key, Fields: f}
}

// record is the linked record as Export and keep functions see it.
func (l *linked) record() adapter.Record {
	f := cloneFields(l.rec.Fields)
	if f == nil {
		f = make(map[string]any, 1)
	}
	f["person"] = l.rec.Person
	return adapter.Record{Kind: l.rec.Kind, ID: l.rec.ID, Fields: f}
}
