package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/server"
	"github.com/gdprkit/gdpr/store/memstore"
)

// inProcess is the GDPR API served in this process, on a loopback port,
// over a fresh copy of the demo data: what gdpr demo and gdpr dsar --demo
// talk to over HTTP, as any client of the API would.
type inProcess struct {
	stores []*memadapter.Adapter // the demo data stores
	proc   *processor.Processor  // the engine behind the server
	base   string                // the server's base URL
	client *gdpr.Client          // a client of the server, with credentials
	// northwind is a client of the demo's other organization, whose own
	// data store is northwindCRM: it shares no data with client.
	northwind    *gdpr.Client
	northwindCRM *memadapter.Adapter
}

// inProcessPoll is how often the in-process server's requests are read
// while they run: its processor finishes them in milliseconds.
const inProcessPoll = 10 * time.Millisecond

// startInProcess starts the server over the demo data, with the
// current-employee retention policy, and returns it with a function that
// stops it and waits for it to end. It listens on addr (a loopback port
// of its choosing when ""). Server, processor and client log to log
// (nil: nowhere).
func startInProcess(ctx context.Context, addr string, log *slog.Logger) (*inProcess, func(), error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	mems, err := demo.Adapters()
	if err != nil {
		return nil, nil, err
	}
	adapters := make([]adapter.Adapter, len(mems))
	for i, a := range mems {
		adapters[i] = a
	}
	// An evidence key that lives as long as the memory store, so that
	// the demo's requests have receipts too.
	priv, _, err := evidence.GenerateKey()
	if err != nil {
		return nil, nil, err
	}
	ek, err := evidence.ParseKey(priv)
	if err != nil {
		return nil, nil, err
	}
	nw, err := demo.NorthwindAdapter()
	if err != nil {
		return nil, nil, err
	}
	// The demo stores hold the demo organization's data (and the default
	// organization's, for callers of the processor without one);
	// Northwind's store holds Northwind's alone.
	p, err := processor.New(memstore.New(), nil,
		processor.WithOrganizationAdapters("", adapters...),
		processor.WithOrganizationAdapters(demo.Organization, adapters...),
		processor.WithOrganizationAdapters(demo.Northwind, nw),
		processor.WithPolicy(processor.CurrentEmployees{}),
		processor.WithStorePoll(10*time.Millisecond),
		processor.WithLogger(log),
		processor.WithCorrelation(server.CorrelationID),
		processor.WithEvidence(ek, nil))
	if err != nil {
		return nil, nil, err
	}
	secret := make([]byte, 24)
	rand.Read(secret)
	// A random 192-bit secret needs no key stretching.
	hash, err := server.HashSecretCost(hex.EncodeToString(secret), 1000)
	if err != nil {
		return nil, nil, err
	}
	clients, err := server.NewClients(
		server.Client{ID: "demo", SecretHash: hash, Organization: demo.Organization, Scope: server.ScopeAll},
		server.Client{ID: demo.Northwind, SecretHash: hash, Organization: demo.Northwind, Scope: server.ScopeAll})
	if err != nil {
		return nil, nil, err
	}
	h, err := server.New(p, clients, server.WithLogger(log))
	if err != nil {
		return nil, nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("listen on --addr %s: %w; give a free address such as 127.0.0.1:0", addr, err)
	}
	srvCtx, cancel := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() {
		served <- runServer(srvCtx, ln, defaultTimeouts().apply(&http.Server{Handler: h}), p, log, nil)
	}()
	stop := func() { cancel(); <-served }

	base := "http://" + ln.Addr().String()
	c, err := gdpr.New(gdpr.WithBaseURL(base), gdpr.WithClientCredentials("demo", hex.EncodeToString(secret)),
		gdpr.WithPolling(inProcessPoll, 100*time.Millisecond), gdpr.WithLogger(log))
	if err != nil {
		stop()
		return nil, nil, err
	}
	nc, err := gdpr.New(gdpr.WithBaseURL(base), gdpr.WithClientCredentials(demo.Northwind, hex.EncodeToString(secret)),
		gdpr.WithPolling(inProcessPoll, 100*time.Millisecond), gdpr.WithLogger(log))
	if err != nil {
		stop()
		return nil, nil, err
	}
	return &inProcess{stores: mems, proc: p, base: base, client: c, northwind: nc, northwindCRM: nw}, stop, nil
}
