// Command embedded is a service that holds customer data and answers GDPR
// requests about it itself: it embeds the processor over its own data
// store and mounts the GDPR API beside its own routes.
//
//	GDPR_CLIENT_SECRET=$(openssl rand -hex 24) go run ./examples/embedded [-addr HOST:PORT]
//
// Then use the API at http://127.0.0.1:8080 (or the address of -addr or
// GDPR_ADDR) with client id "ops" and that secret, e.g. with 'gdpr
// subjects' (see the README).
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"log"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/server"
	"github.com/gdprkit/gdpr/store/memstore"
)

// customers is the service's own data, in the shape memadapter loads.
const customers = `{
  "people": [
    {"key": "c1", "kind": "externalContact", "externalContactId": "c-1", "name": "Robin Vale",
     "emails": ["robin@example.com"], "phones": ["+44 20 7946 0999"]}
  ],
  "records": [
    {"id": "order-1", "kind": "order", "person": "c1", "fields": {"total": 12.5}}
  ]
}`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	addr := flag.String("addr", cmp.Or(os.Getenv("GDPR_ADDR"), "127.0.0.1:8080"), "listen address (GDPR_ADDR)")
	flag.Parse()

	secret := os.Getenv("GDPR_CLIENT_SECRET")
	if len(secret) < 16 {
		log.Fatal("set GDPR_CLIENT_SECRET to a random secret of 16 characters or more")
	}
	crm, err := memadapter.New("customers")
	if err != nil {
		log.Fatal(err)
	}
	if err := crm.LoadJSON(strings.NewReader(customers)); err != nil {
		log.Fatal(err)
	}
	p, err := processor.New(memstore.New(), []adapter.Adapter{crm},
		processor.WithPolicy(processor.CurrentEmployees{}), processor.WithLogger(logger))
	if err != nil {
		log.Fatal(err)
	}
	hash, err := server.HashSecret(secret)
	if err != nil {
		log.Fatal(err)
	}
	clients, err := server.NewClients(server.Client{ID: "ops", SecretHash: hash, Organization: "shop", Scope: server.ScopeAll})
	if err != nil {
		log.Fatal(err)
	}
	api, err := server.New(p, clients, server.WithLogger(logger))
	if err != nil {
		log.Fatal(err)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /shop/hello", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("the shop's own route\n")) })
	mux.Handle("/api/v2/gdpr/", api)
	mux.Handle("/oauth/token", api)

	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	workDone := make(chan struct{})
	go func() { p.Run(work); close(workDone) }()

	srv := &http.Server{Addr: *addr, Handler: mux}
	go func() {
		<-ctx.Done()
		srv.Shutdown(context.Background())
	}()
	logger.Info("listening", "addr", srv.Addr)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
	stopWork()
	<-workDone
}
