package processor

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

// Inventory is what a Processor holds, over all its adapters: a starting
// point for the record of processing activities (GDPR Art. 30).
type Inventory struct {
	// Generated is when the inventory was assembled.
	Generated time.Time `json:"generated"`
	// Adapters lists every adapter in the processor's order.
	Adapters []adapter.Description `json:"adapters"`
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
	MayRetain(adapter string, k adapter.RecordKind) bool
}

// Describe says that nothing is retained.
func (RetainNothing) Describe() string {
	return "nothing is retained: erasure removes every record found"
}

// MayRetain answers false.
func (RetainNothing) MayRetain(string, adapter.RecordKind) bool { return false }

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
func (p CurrentEmployees) MayRetain(_ string, k adapter.RecordKind) bool {
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
func (ps Policies) MayRetain(adapter string, k adapter.RecordKind) bool {
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

func mayRetain(p RetentionPolicy, adapter string, k adapter.RecordKind) bool {
	if s, ok := p.(PolicyScope); ok {
		return s.MayRetain(adapter, k)
	}
	return true
}

// Inventory describes what every adapter the organization on ctx reaches
// holds (those given to New, then its own), in the processor's order,
// and the retention policy. An adapter that does not implement Describer
// is listed with Described false and Note "not described"; one whose
// Describe fails is listed the same way with a note to see the log, where
// the error is written. Inventory reads no personal data. It fails only
// when ctx ends.
func (p *Processor) Inventory(ctx context.Context) (Inventory, error) {
	inv := Inventory{Generated: p.now(), Retention: describePolicy(p.cfg.policy)}
	org := gdpr.OrganizationFromContext(ctx)
	for _, a := range p.adaptersFor(org) {
		if err := ctx.Err(); err != nil {
			return Inventory{}, err
		}
		ai := adapter.Description{Adapter: a.Name(), Note: "not described"}
		if d, ok := a.(adapter.Describer); ok {
			got, err := d.Describe(ctx)
			switch {
			case err != nil && ctx.Err() != nil:
				return Inventory{}, ctx.Err()
			case errors.Is(err, adapter.ErrNotDescribed):
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
			ai.Terms = []gdpr.Kind{}
		}
		if ai.Records == nil {
			ai.Records = []adapter.RecordKind{}
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
		ai.Tenancy = p.tenancy(org, a)
		inv.Adapters = append(inv.Adapters, ai)
	}
	return inv, nil
}

// InventoryJSON is Inventory as one JSON document, for a server that
// serves it without knowing its type (see server.Inventorier).
func (p *Processor) InventoryJSON(ctx context.Context) (json.RawMessage, error) {
	inv, err := p.Inventory(ctx)
	if err != nil {
		return nil, err
	}
	return json.Marshal(inv)
}
