package httpadapter

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/gdprkit/gdpr/processor"
)

var _ processor.Describer = (*Adapter)(nil)

// Describe asks the service what it holds, for the processor's Inventory:
// the term kinds it searches and the kinds of record it returns, never a
// value. A service whose adapter does not describe itself (404
// not_described), or that does not serve the describe route (404
// no_route, a service older than the route), or that answers described
// false, gives an error matching processor.ErrNotDescribed, which the
// processor's Inventory lists as not described. Other failures are an
// *Error, as for every call.
func (a *Adapter) Describe(ctx context.Context) (processor.AdapterInventory, error) {
	if err := a.ready(ctx, routeDescribe); err != nil {
		return processor.AdapterInventory{}, err
	}
	var inv processor.AdapterInventory
	err := a.do(ctx, routeDescribe, &callBody{OperationID: newOpID()}, &inv)
	var e *Error
	if errors.As(err, &e) && e.Status == http.StatusNotFound && (e.Code == codeNotDescribed || e.Code == codeNoRoute) {
		return processor.AdapterInventory{}, fmt.Errorf("%w: the service does not describe its data", processor.ErrNotDescribed)
	}
	if err != nil {
		return processor.AdapterInventory{}, err
	}
	if !inv.Described {
		reason := "the service does not describe its data"
		if inv.Note != "" {
			reason = inv.Note
		}
		return processor.AdapterInventory{}, fmt.Errorf("%w: %s", processor.ErrNotDescribed, reason)
	}
	inv.Adapter = a.name
	return inv, nil
}

// describe answers with the local adapter's description, or 404
// not_described when it has none.
func (h *handler) describe(w http.ResponseWriter, r *http.Request) {
	d, ok := h.a.(processor.Describer)
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
		inv.Terms = []processor.Kind{}
	}
	if inv.Records == nil {
		inv.Records = []processor.RecordKind{}
	}
	h.reply(w, inv)
}
