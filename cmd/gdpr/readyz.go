package main

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/gdprkit/gdpr/store"
)

// readyPath answers whether this replica can serve: its request store
// answers. /healthz (liveness: the process serves HTTP) is the server's.
const readyPath = "/readyz"

// withReadiness serves readyPath beside h: 200 {"status":"ready"} when a
// read of st succeeds within 5 seconds, else 503 naming the part that
// failed, without its error's details (which may name a host).
func withReadiness(h http.Handler, st store.Store) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", h)
	mux.HandleFunc("GET "+readyPath, func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		body := map[string]any{"status": "ready", "checks": map[string]string{"store": "ok"}}
		if _, _, err := st.List(ctx, "", store.Filter{Limit: 1}); err != nil {
			reason := "the request store did not answer"
			if ctx.Err() != nil {
				reason = "the request store did not answer within 5s"
			}
			body = map[string]any{"status": "unavailable", "failed": "store", "checks": map[string]string{"store": reason}}
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		json.NewEncoder(w).Encode(body)
	})
	return mux
}
