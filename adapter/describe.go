package adapter

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/gdprkit/gdpr"
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
	Describe(ctx context.Context) (Description, error)
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
	// EraseRemote: a remote service erases the records and decides
	// itself whether it deletes or anonymizes (a hosted GDPR API).
	EraseRemote = "remote decides"
)

// Description is what one adapter says it holds: the Art. 30 inventory
// entry of one data store.
type Description struct {
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
	Terms []gdpr.Kind `json:"terms"`
	// Records are the kinds of record the adapter returns.
	Records []RecordKind `json:"records"`
	// Tenancy says how the adapter keeps organizations apart:
	// "tenant-scoped" (by the organization on each call),
	// "organization ORG" (it holds ORG's data alone, and only ORG
	// reaches it), "shared" (no organization owns its data), "not
	// scoped", or "" when not said. The processor's Inventory sets it.
	Tenancy string `json:"tenancy,omitempty"`
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
	Terms []gdpr.Kind `json:"terms,omitempty"`
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

// SortKinds sorts ks in the order of the Kind constants (unknown kinds
// last, by name) and removes repeats. It changes ks and returns it.
func SortKinds(ks []gdpr.Kind) []gdpr.Kind {
	order := gdpr.Kinds()
	rank := func(k gdpr.Kind) int {
		if i := slices.Index(order, k); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortFunc(ks, func(a, b gdpr.Kind) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(string(a), string(b))
	})
	return slices.Compact(ks)
}
