package httpadapter

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

var _ adapter.Describer = (*Adapter)(nil)

// Describe asks the service what it holds, for the processor's Inventory:
// the term kinds it searches and the kinds of record it returns, never a
// value. A service whose adapter does not describe itself (404
// not_described), or that does not serve the describe route (404
// no_route, a service older than the route), or that answers described
// false, gives an error matching adapter.ErrNotDescribed, which the
// processor's Inventory lists as not described. Other failures are an
// *Error, as for every call.
func (a *Adapter) Describe(ctx context.Context) (adapter.Description, error) {
	if err := a.ready(ctx, routeDescribe); err != nil {
		return adapter.Description{}, err
	}
	var inv adapter.Description
	err := a.do(ctx, routeDescribe, &callBody{OperationID: newOpID()}, &inv)
	var e *Error
	if errors.As(err, &e) && e.Status == http.StatusNotFound && (e.Code == codeNotDescribed || e.Code == codeNoRoute) {
		return adapter.Description{}, fmt.Errorf("%w: the service does not describe its data", adapter.ErrNotDescribed)
	}
	if err != nil {
		return adapter.Description{}, err
	}
	if !inv.Described {
		reason := "the service does not describe its data"
		if inv.Note != "" {
			reason = inv.Note
		}
		return adapter.Description{}, fmt.Errorf("%w: %s", adapter.ErrNotDescribed, reason)
	}
	inv.Adapter = a.name
	return inv, nil
}

// describe answers with the local adapter's description, or 404
// not_described when it has none.
func (h *handler) describe(w http.ResponseWriter, r *http.Request) {
	d, ok := h.a.(adapter.Describer)
	if !ok {
		h.fail(w, r, routeDescribe, http.StatusNotFound, codeNotDescribed, "the service's adapter does not describe its data")
		return
	}
	inv, err := d.Describe(r.Context())
	if err != nil {
		h.failAdapter(w, r, routeDescribe, err)
		return
	}
	inv.Adapter, inv.Described = h.a.Name(), true
	if inv.Terms == nil {
		inv.Terms = []gdpr.Kind{}
	}
	if inv.Records == nil {
		inv.Records = []adapter.RecordKind{}
	}
	h.reply(w, inv)
}
