package server

import (
	"context"
	"encoding/json"
	"net/http"
)

// InventoryPath is the route of the data inventory.
const InventoryPath = "/api/v2/gdpr/inventory"

// Inventorier is implemented by services that can describe the personal
// data they hold, such as the reference processor. A server over one
// serves GET /api/v2/gdpr/inventory to clients of scope gdpr (not
// gdpr:readonly: the inventory maps where personal data lives); over
// another, the route answers 404.
type Inventorier interface {
	// InventoryJSON returns the inventory as one JSON document, which the
	// route serves as it is, so that the server need not know its type.
	InventoryJSON(ctx context.Context) (json.RawMessage, error)
}

// inventoryRoute is the handler of InventoryPath.
func (s *Server) inventoryRoute() http.Handler {
	inv, ok := s.svc.(Inventorier)
	if !ok {
		return s.open(nil)
	}
	return s.api(methods{http.MethodGet: func(w http.ResponseWriter, r *http.Request) {
		// api let any authenticated GET through; this route needs ScopeAll.
		if p, code, _ := s.authenticate(r); code != "" || p.scope != ScopeAll {
			s.fail(w, r, http.StatusForbidden, "app.not.authorized.for.scope", "",
				"the data inventory needs a client with scope %s", ScopeAll)
			return
		}
		v, err := inv.InventoryJSON(r.Context())
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, v)
	}})
}
