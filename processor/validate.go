package processor

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

// Limits on request fields.
const (
	MaxNameLen           = 256
	MaxIdempotencyKeyLen = 255
	MaxReplacementTerms  = 50
)

// subjectTerm returns the one term the request's subject carries, not yet
// normalized, or a 400 telling the caller how to fix the subject.
func subjectTerm(s gdpr.Subject) (gdpr.Term, string, error) {
	if d := s.DialerContactID; d != nil && (d.ID == "" || d.ContactListID == "") {
		return gdpr.Term{}, "", gdpr.NewFieldError(400, gdpr.CodeInvalidValue, "subject.dialerContactId",
			"subject.dialerContactId needs both id and contactListId")
	}
	if j := s.JourneyCustomer; j != nil && (j.ID == "" || j.Type == "") {
		return gdpr.Term{}, "", gdpr.NewFieldError(400, gdpr.CodeInvalidValue, "subject.journeyCustomer",
			"subject.journeyCustomer needs both type (such as \"cookie\") and id")
	}
	if h := s.SocialHandle; h != nil && !h.Type.IsSocial() {
		return gdpr.Term{}, "", gdpr.NewFieldError(400, gdpr.CodeInvalidValue, "subject.socialHandle.type",
			"subject.socialHandle.type %q is not valid; use one of TWITTER, INSTAGRAM, FACEBOOK, APPLE_MESSAGES", h.Type)
	}
	for _, list := range []struct {
		field string
		vs    []string
	}{{"emailAddresses", s.EmailAddresses}, {"phoneNumbers", s.PhoneNumbers}, {"addresses", s.Addresses}} {
		if i := slices.Index(list.vs, ""); i >= 0 {
			f := fmt.Sprintf("subject.%s[%d]", list.field, i)
			return gdpr.Term{}, "", gdpr.NewFieldError(400, gdpr.CodeInvalidValue, f, "%s is empty; remove it, or give the value", f)
		}
	}
	type given struct {
		field string
		term  gdpr.Term
	}
	var terms []given
	for field, t := range s.Terms() {
		terms = append(terms, given{"subject." + field, t})
	}
	switch len(terms) {
	case 0:
		return gdpr.Term{}, "", gdpr.NewFieldError(400, gdpr.CodeInvalidProperty, "subject",
			"subject carries no search term; set exactly one of name, address, phone, email, socialHandle, externalId, journeyCustomer, userId, externalContactId or dialerContactId")
	case 1:
		return terms[0].term, terms[0].field, nil
	}
	fields := make([]string, len(terms))
	for i, g := range terms {
		fields[i] = g.field
	}
	return gdpr.Term{}, "", gdpr.NewFieldError(400, gdpr.CodeInvalidProperty, "subject",
		"subject carries %d search terms (%s); a request takes exactly one: send one request per term, after checking with the subjects search which subjects each term matches",
		len(terms), strings.Join(fields, ", "))
}

// validateSpec checks everything about spec that needs no adapter, and
// returns the normalized term and changes.
func (p *Processor) validateSpec(spec gdpr.RequestSpec) (gdpr.Term, []adapter.Change, error) {
	if spec.Type == "" {
		return gdpr.Term{}, nil, gdpr.NewFieldError(400, gdpr.CodeInvalidValue, "requestType",
			"requestType is required; use one of GDPR_EXPORT, GDPR_UPDATE, GDPR_DELETE")
	}
	if err := spec.Type.Validate(); err != nil {
		return gdpr.Term{}, nil, gdpr.NewFieldError(400, gdpr.CodeInvalidValue, "requestType", "%s", trimPrefix(err))
	}
	if len(spec.Name) > MaxNameLen {
		return gdpr.Term{}, nil, gdpr.NewFieldError(400, gdpr.CodeInvalidValue, "name",
			"name is longer than %d bytes", MaxNameLen)
	}
	if len(spec.IdempotencyKey) > MaxIdempotencyKeyLen {
		return gdpr.Term{}, nil, gdpr.NewFieldError(400, gdpr.CodeInvalidValue, "Idempotency-Key",
			"the idempotency key is longer than %d bytes", MaxIdempotencyKeyLen)
	}
	raw, field, err := subjectTerm(spec.Subject)
	if err != nil {
		return gdpr.Term{}, nil, err
	}
	term, err := p.cfg.normalizer.Term(raw)
	if err != nil {
		return gdpr.Term{}, nil, asField(err, field)
	}
	if spec.Type == gdpr.RequestDelete && !spec.DeleteConfirmed {
		return gdpr.Term{}, nil, gdpr.NewFieldError(400, gdpr.CodeInvalidProperty, "deleteConfirmed",
			"a GDPR_DELETE request erases every subject its term matches: search the subjects first (GET /api/v2/gdpr/subjects), check they are all this person, then send it again with deleteConfirmed=true")
	}
	changes, err := p.validateReplacements(spec)
	if err != nil {
		return gdpr.Term{}, nil, err
	}
	return term, changes, nil
}

func (p *Processor) validateReplacements(spec gdpr.RequestSpec) ([]adapter.Change, error) {
	rts := spec.ReplacementTerms
	if spec.Type != gdpr.RequestUpdate {
		if len(rts) > 0 {
			return nil, gdpr.NewFieldError(400, gdpr.CodeInvalidProperty, "replacementTerms",
				"replacementTerms are only for GDPR_UPDATE requests; remove them from this %s request", spec.Type)
		}
		return nil, nil
	}
	if len(rts) == 0 {
		return nil, gdpr.NewFieldError(400, gdpr.CodeInvalidProperty, "replacementTerms",
			"a GDPR_UPDATE request needs replacementTerms: each with type, existingValue and updatedValue")
	}
	if len(rts) > MaxReplacementTerms {
		return nil, gdpr.NewFieldError(400, gdpr.CodeInvalidProperty, "replacementTerms",
			"at most %d replacementTerms per request", MaxReplacementTerms)
	}
	changes := make([]adapter.Change, len(rts))
	for i, rt := range rts {
		field := fmt.Sprintf("replacementTerms[%d]", i)
		if rt.Type == "" {
			return nil, gdpr.NewFieldError(400, gdpr.CodeInvalidValue, field+".type",
				"%s.type is required; use one of the search types, such as EMAIL", field)
		}
		if err := rt.Type.Validate(); err != nil {
			return nil, gdpr.NewFieldError(400, gdpr.CodeInvalidValue, field+".type", "%s.%s", field, trimPrefix(err))
		}
		existing, err := p.cfg.normalizer.Value(gdpr.Kind(rt.Type), rt.ExistingValue)
		if err != nil {
			return nil, asField(err, field+".existingValue")
		}
		updated, err := p.cfg.normalizer.Value(gdpr.Kind(rt.Type), rt.UpdatedValue)
		if err != nil {
			return nil, asField(err, field+".updatedValue")
		}
		if existing == updated {
			return nil, gdpr.NewFieldError(400, gdpr.CodeInvalidValue, field+".updatedValue",
				"%s.updatedValue is the same as existingValue once normalized; it would change nothing", field)
		}
		changes[i] = adapter.Change{Kind: gdpr.Kind(rt.Type), Existing: existing, Updated: strings.TrimSpace(rt.UpdatedValue)}
	}
	return changes, nil
}
