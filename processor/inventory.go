package processor

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
)

// Describer is implemented by adapters that can say what they hold: the
// term kinds they search, the kinds of record they return with their
// fields, and how each kind is erased. It is optional; the processor's
// Inventory lists an adapter without it as not described.
//
// Describe reads no personal data: it reports structure, never values.
// Like every Adapter method it must be safe for concurrent use. A
// Describe that has nothing to say (a remote service that does not
// describe its data, say) returns an error matching ErrNotDescribed.
type Describer interface {
	Describe(ctx context.Context) (AdapterInventory, error)
}

// ErrNotDescribed, wrapped with the reason, is returned by a Describe that
// has nothing to describe. Inventory lists the adapter as not described,
// with the error's text (which must hold no personal data) as its note,
// and logs nothing: it is no failure.
var ErrNotDescribed = errors.New("not described")

// How an adapter erases a kind of record (RecordKind.Erase).
const (
	EraseDeletes    = "delete"
	EraseAnonymizes = "anonymize"
)

// AdapterInventory describes what one adapter holds.
type AdapterInventory struct {
	// Adapter is the adapter's name; Processor.Inventory sets it.
	Adapter string `json:"adapter"`
	// Described is false when the adapter does not implement Describer or
	// its description failed; Note then says which.
	Described bool `json:"described"`
	// Store says where the data lives, e.g. "memory" or "postgres schema
	// crm". It names no host and carries no credentials.
	Store string `json:"store,omitempty"`
	// Terms are the kinds of search term the adapter can match, in a fixed
	// order.
	Terms []Kind `json:"terms"`
	// Records are the kinds of record the adapter returns.
	Records []RecordKind `json:"records"`
	// Note is a remark without personal data, such as "not described".
	Note string `json:"note,omitempty"`
}

// RecordKind describes one kind of record an adapter returns.
type RecordKind struct {
	// Kind is Record.Kind of these records, e.g. "externalContact".
	Kind string `json:"kind"`
	// Source is where the records live within the adapter, e.g. a table.
	Source string `json:"source,omitempty"`
	// Subject is true when terms find these records directly; other
	// records are found through the records they are linked to.
	Subject bool `json:"subject"`
	// Terms are the kinds of term the records' fields hold and are
	// searched by (subject records only).
	Terms []Kind `json:"terms,omitempty"`
	// Fields are the names of the fields an export carries.
	Fields []string `json:"fields"`
	// LinkedTo names the sources these records are reached through.
	LinkedTo []string `json:"linkedTo,omitempty"`
	// Erase is EraseDeletes or EraseAnonymizes: what an erasure does to
	// these records.
	Erase string `json:"erase"`
	// Reachable is false when no search term can ever reach these records
	// (no term fields and no link to records that terms find): they are
	// never part of a data subject request.
	Reachable bool `json:"reachable"`
	// Retention describes the retention policy that may keep these
	// records on erasure, or "". Processor.Inventory sets it.
	Retention string `json:"retention,omitempty"`
	// Note is a remark without personal data.
	Note string `json:"note,omitempty"`
}

// Inventory is what a Processor holds, over all its adapters: a starting
// point for the record of processing activities (GDPR Art. 30).
type Inventory struct {
	// Generated is when the inventory was assembled.
	Generated time.Time `json:"generated"`
	// Adapters lists every adapter in the processor's order.
	Adapters []AdapterInventory `json:"adapters"`
	// Retention describes the processor's retention policy.
	Retention string `json:"retention"`
}

// PolicyDescriber is implemented by retention policies that can say what
// they keep. It is optional: Inventory describes a policy without it as
// "custom retention policy (not described)".
type PolicyDescriber interface {
	// Describe says in one sentence what the policy keeps and why.
	Describe() string
}

// PolicyScope is implemented by retention policies that can tell which
// kinds of record they may keep, so that Inventory marks those kinds.
type PolicyScope interface {
	// MayRetain reports whether the policy may keep some records of kind
	// k held by the named adapter.
	MayRetain(adapter string, k RecordKind) bool
}

// Describe says that nothing is retained.
func (RetainNothing) Describe() string {
	return "nothing is retained: erasure removes every record found"
}

// MayRetain answers false.
func (RetainNothing) MayRetain(string, RecordKind) bool { return false }

func (p CurrentEmployees) defaults() (kind, field, value string) {
	kind, field, value = p.Kind, p.Field, p.Value
	if kind == "" {
		kind = "user"
	}
	if field == "" {
		field = "employment"
	}
	if value == "" {
		value = "current"
	}
	return kind, field, value
}

// Describe says which records the policy keeps, and on which basis.
func (p CurrentEmployees) Describe() string {
	kind, field, value := p.defaults()
	return "records of kind " + kind + " whose field " + field + " is " + value +
		" are retained (" + EmployeeBasis + ")"
}

// MayRetain reports whether records of k are of the policy's kind.
func (p CurrentEmployees) MayRetain(_ string, k RecordKind) bool {
	kind, _, _ := p.defaults()
	return k.Kind == kind
}

// Describe joins the descriptions of the policies.
func (ps Policies) Describe() string {
	if len(ps) == 0 {
		return RetainNothing{}.Describe()
	}
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = describePolicy(p)
	}
	return strings.Join(parts, "; ")
}

// MayRetain reports whether any of the policies may keep records of k; a
// policy that does not implement PolicyScope may keep any.
func (ps Policies) MayRetain(adapter string, k RecordKind) bool {
	for _, p := range ps {
		if mayRetain(p, adapter, k) {
			return true
		}
	}
	return false
}

func describePolicy(p RetentionPolicy) string {
	if d, ok := p.(PolicyDescriber); ok {
		return d.Describe()
	}
	return "custom retention policy (not described)"
}

func mayRetain(p RetentionPolicy, adapter string, k RecordKind) bool {
	if s, ok := p.(PolicyScope); ok {
		return s.MayRetain(adapter, k)
	}
	return true
}

// Inventory describes what every adapter holds, in the processor's order,
// and the retention policy. An adapter that does not implement Describer
// is listed with Described false and Note "not described"; one whose
// Describe fails is listed the same way with a note to see the log, where
// the error is written. Inventory reads no personal data. It fails only
// when ctx ends.
func (p *Processor) Inventory(ctx context.Context) (Inventory, error) {
	inv := Inventory{Generated: p.now(), Retention: describePolicy(p.cfg.policy)}
	for _, a := range p.adapters {
		if err := ctx.Err(); err != nil {
			return Inventory{}, err
		}
		ai := AdapterInventory{Adapter: a.Name(), Note: "not described"}
		if d, ok := a.(Describer); ok {
			got, err := d.Describe(ctx)
			switch {
			case err != nil && ctx.Err() != nil:
				return Inventory{}, ctx.Err()
			case errors.Is(err, ErrNotDescribed):
				ai.Note = err.Error()
			case err != nil:
				p.log().WarnContext(ctx, "inventory: describe failed", "adapter", a.Name(), "err", err)
				ai.Note = "description failed; see the log"
			default:
				ai = got
				ai.Adapter, ai.Described = a.Name(), true
			}
		}
		if ai.Terms == nil {
			ai.Terms = []Kind{}
		}
		if ai.Records == nil {
			ai.Records = []RecordKind{}
		}
		ai.Records = slices.Clone(ai.Records)
		for i := range ai.Records {
			rk := &ai.Records[i]
			if rk.Fields == nil {
				rk.Fields = []string{}
			}
			if mayRetain(p.cfg.policy, a.Name(), *rk) {
				rk.Retention = describePolicy(p.cfg.policy)
			}
		}
		inv.Adapters = append(inv.Adapters, ai)
	}
	return inv, nil
}

// termOrder is the order Describers list term kinds in: the order of the
// Kind constants.
var termOrder = []Kind{KindName, KindAddress, KindPhone, KindEmail, KindTwitter, KindInstagram,
	KindFacebook, KindAppleMessages, KindExternalID, KindUserID, KindExternalContactID,
	KindDialerContactID, KindJourneyCustomer}

// SortKinds sorts ks in the order of the Kind constants (unknown kinds
// last, by name) and removes repeats. It changes ks and returns it.
func SortKinds(ks []Kind) []Kind {
	rank := func(k Kind) int {
		if i := slices.Index(termOrder, k); i >= 0 {
			return i
		}
		return len(termOrder)
	}
	slices.SortFunc(ks, func(a, b Kind) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(string(a), string(b))
	})
	return slices.Compact(ks)
}
