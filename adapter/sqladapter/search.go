package sqladapter

import (
	"context"
	"fmt"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

// Search returns a subject for every live row of a subject table that
// carries term. The subject's fields are the row's term columns as stored:
// the first NAME, EXTERNAL_ID and id columns that hold a value, every
// EMAIL, PHONE and ADDRESS column that does, and the first social handle
// column in the map's order. A term of a kind no subject table holds
// matches nothing. Search never changes data.
func (a *Adapter) Search(ctx context.Context, term gdpr.Term) ([]gdpr.Subject, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqladapter: search: %w", err)
	}
	ctx, holds, err := a.scope(ctx, "search")
	if err != nil || !holds {
		return nil, err
	}
	var out []gdpr.Subject
	for _, t := range a.tables {
		if !t.m.Subject {
			continue
		}
		seen := make(map[string]bool)
		err := a.matchRows(ctx, a.db, t, []gdpr.Term{term}, false, func(r row) error {
			if !seen[r.id] {
				seen[r.id] = true
				out = append(out, r.subject())
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("sqladapter: search: %w", err)
		}
	}
	return out, nil
}

// Resolve returns the subject of the first row (by table, then key) that
// an id term names, as Search gives it, or an error matching
// gdpr.ErrNotFound.
func (a *Adapter) Resolve(ctx context.Context, term gdpr.Term) (gdpr.Subject, error) {
	if err := ctx.Err(); err != nil {
		return gdpr.Subject{}, fmt.Errorf("sqladapter: resolve: %w", err)
	}
	if !term.Kind.IsID() {
		return gdpr.Subject{}, fmt.Errorf("sqladapter: resolve: a %s is not an id", term)
	}
	if _, _, err := a.scope(ctx, "resolve"); err != nil {
		return gdpr.Subject{}, err
	}
	ss, err := a.Search(ctx, term)
	if err != nil {
		return gdpr.Subject{}, err
	}
	if len(ss) == 0 {
		return gdpr.Subject{}, fmt.Errorf("sqladapter: resolve %s: %w", term, gdpr.ErrNotFound)
	}
	return ss[0], nil
}

// Export calls emit for every live row that matches any of terms and for
// every row that references one of those, directly or through other rows:
// each row once, tables parents first. A row is a Record of the table's
// kind whose ID is its key and whose Fields are its columns that are not
// NULL and not excluded, named by their field names. Rows are read in
// chunks of up to 500 keys; emit runs between reads and may use the
// adapter. An error from emit ends the export and is returned as it is.
// op is not used.
func (a *Adapter) Export(ctx context.Context, op adapter.Op, terms []gdpr.Term, emit func(adapter.Record) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqladapter: export: %w", err)
	}
	ctx, holds, err := a.scope(ctx, "export")
	if err != nil || !holds {
		return err
	}
	var emitErr error
	err = a.walk(ctx, a.db, terms, false, func(r row) error {
		if err := emit(r.record()); err != nil {
			emitErr = err
			return err
		}
		return nil
	})
	if emitErr != nil {
		return emitErr
	}
	if err != nil {
		return fmt.Errorf("sqladapter: export: %w", err)
	}
	return nil
}

// record is the row as Export and keep functions see it.
func (r row) record() adapter.Record {
	t := r.t
	kind := t.m.Kind
	if t.kindCol >= 0 {
		kind = text(r.vals[t.kindCol])
	}
	f := make(map[string]any, len(r.vals))
	for i, v := range r.vals {
		if v != nil && t.fields[i] != "" {
			f[t.fields[i]] = v
		}
	}
	return adapter.Record{Kind: kind, ID: r.id, Fields: f}
}

// subject is the row as Search answers it.
func (r row) subject() gdpr.Subject {
	var s gdpr.Subject
	first := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	for _, tc := range r.t.terms {
		v := text(r.vals[tc.col])
		if v == "" {
			continue
		}
		var scope string
		if tc.scope >= 0 {
			scope = text(r.vals[tc.scope])
		}
		switch tc.kind {
		case gdpr.KindName:
			first(&s.Name, v)
		case gdpr.KindEmail:
			s.EmailAddresses = append(s.EmailAddresses, v)
		case gdpr.KindPhone:
			s.PhoneNumbers = append(s.PhoneNumbers, v)
		case gdpr.KindAddress:
			s.Addresses = append(s.Addresses, v)
		case gdpr.KindExternalID:
			first(&s.ExternalID, v)
		case gdpr.KindUserID:
			first(&s.UserID, v)
		case gdpr.KindExternalContactID:
			first(&s.ExternalContactID, v)
		case gdpr.KindDialerContactID:
			if s.DialerContactID == nil {
				s.DialerContactID = &gdpr.DialerContactID{ID: v, ContactListID: scope}
			}
		case gdpr.KindJourneyCustomer:
			if s.JourneyCustomer == nil {
				s.JourneyCustomer = &gdpr.JourneyCustomer{Type: scope, ID: v}
			}
		default:
			if s.SocialHandle == nil {
				s.SocialHandle = &gdpr.SocialHandle{Type: gdpr.Kind(tc.kind), Value: v}
			}
		}
	}
	return s
}
