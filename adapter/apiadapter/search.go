package apiadapter

import (
	"context"
	"fmt"
	"slices"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

// Search returns the remote's subjects for term, with their remote ids;
// a term of a kind not sent to the remote (WithKinds) matches nothing.
func (a *Adapter) Search(ctx context.Context, term gdpr.Term) ([]gdpr.Subject, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !slices.Contains(a.kinds, term.Kind) {
		return nil, nil
	}
	var ss []gdpr.Subject
	mark := a.seen.mark()
	err := a.retry(ctx, func() error {
		var err error
		ss, err = a.remote.SearchSubjects(ctx, term.Kind, term.Value)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("apiadapter %s: search %s: %w", a.name, term.Kind, err)
	}
	for _, s := range ss {
		a.seen.add(s, mark)
	}
	return ss, nil
}

// Resolve returns the remote subject of an id (userId, externalContactId,
// dialerContactId) that a search of this adapter returned, or an error
// matching gdpr.ErrNotFound: a GDPR API searches no ids, so the adapter
// answers from what its searches found (the last 10,000 subjects, in this
// process), as the hosted procedure goes: search each identifier, then
// request by the ids found. A subject the remote erased is not found.
//
// Processes do not share what their searches found. Behind several
// replicas, a request by a remote subject's id that reaches a replica
// whose adapter did not search it finds nothing of it in the remote: an
// export or update by that id is refused (400), an erasure by it erases
// nothing there. Route the search and the requests of one person to one
// replica, or request by the person's identifiers as well.
func (a *Adapter) Resolve(ctx context.Context, term gdpr.Term) (gdpr.Subject, error) {
	if err := ctx.Err(); err != nil {
		return gdpr.Subject{}, err
	}
	if s, ok := a.seen.get(termKey(term)); ok {
		return s, nil
	}
	return gdpr.Subject{}, fmt.Errorf("apiadapter %s: resolve %s: no search found this id: %w", a.name, term.Kind, gdpr.ErrNotFound)
}

// subjects searches every term the remote takes, and resolves every id
// term a search found before (see Resolve), and returns the distinct
// remote subjects found, in the order found.
func (a *Adapter) subjects(ctx context.Context, terms []gdpr.Term) ([]gdpr.Subject, error) {
	var out []gdpr.Subject
	seen := map[string]bool{}
	for _, t := range terms {
		ss, err := a.find(ctx, t)
		if err != nil {
			return nil, err
		}
		for _, s := range ss {
			k := remoteKey(s)
			if k == "" {
				k = "?" + s.Key()
			}
			if !seen[k] {
				seen[k] = true
				out = append(out, s)
			}
		}
	}
	return out, nil
}

// find returns the remote subjects term finds: a search, or the subject
// of an id a search found.
func (a *Adapter) find(ctx context.Context, term gdpr.Term) ([]gdpr.Subject, error) {
	if s, ok := a.seen.get(termKey(term)); ok {
		return []gdpr.Subject{s}, nil
	}
	return a.Search(ctx, term)
}

// remoteKey identifies a remote subject by its remote id ("" when it has
// none): "USER_ID:...", "EXTERNAL_CONTACT_ID:..." or
// "DIALER_CONTACT_ID:list/id".
func remoteKey(s gdpr.Subject) string {
	switch {
	case s.UserID != "":
		return string(gdpr.KindUserID) + ":" + s.UserID
	case s.ExternalContactID != "":
		return string(gdpr.KindExternalContactID) + ":" + s.ExternalContactID
	case s.DialerContactID != nil && s.DialerContactID.ID != "":
		return string(gdpr.KindDialerContactID) + ":" + s.DialerContactID.ContactListID + "/" + s.DialerContactID.ID
	}
	return ""
}

// byID is the request subject naming s by its remote id alone: a request
// never goes out by a bare name.
func byID(s gdpr.Subject) gdpr.Subject {
	switch {
	case s.UserID != "":
		return gdpr.Subject{UserID: s.UserID}
	case s.ExternalContactID != "":
		return gdpr.Subject{ExternalContactID: s.ExternalContactID}
	default:
		d := *s.DialerContactID
		return gdpr.Subject{DialerContactID: &d}
	}
}

// Record kinds of remote subjects, as the retention policy sees them.
const (
	KindUser            = "user"
	KindExternalContact = "externalContact"
	KindDialerContact   = "dialerContact"
)

// record is remote subject s as the retention policy sees it: a Record of
// the kind its id names, whose fields are the subject's.
func record(s gdpr.Subject) adapter.Record {
	kind, id := KindDialerContact, ""
	switch {
	case s.UserID != "":
		kind, id = KindUser, s.UserID
	case s.ExternalContactID != "":
		kind, id = KindExternalContact, s.ExternalContactID
	case s.DialerContactID != nil:
		id = s.DialerContactID.ContactListID + "/" + s.DialerContactID.ID
	}
	fields := map[string]any{}
	for name, t := range s.Terms() {
		fields[name] = t.Value
	}
	return adapter.Record{Kind: kind, ID: id, Fields: fields}
}

// Check emits, as the Record Erase shows the retention policy, each remote
// subject the terms still find: an erasure is verified by the subjects
// search, without an export.
func (a *Adapter) Check(ctx context.Context, terms []gdpr.Term, emit func(adapter.Record) error) error {
	ss, err := a.subjects(ctx, terms)
	if err != nil {
		return err
	}
	for _, s := range ss {
		if err := emit(record(s)); err != nil {
			return err
		}
	}
	return nil
}
