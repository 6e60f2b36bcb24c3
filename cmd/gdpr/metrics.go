package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"time"

	"github.com/gdprkit/gdpr/internal/metrics"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/server"
	"github.com/gdprkit/gdpr/store"
)

// metricsSetup is what --metrics-addr adds to gdpr serve: the options
// that feed the metrics, and the listener serving them.
type metricsSetup struct {
	proc []processor.Option
	srv  []server.Option
	// serve runs the metrics listener until ctx ends; nil when metrics
	// are off.
	serve func(ctx context.Context) error
	addr  net.Addr
}

// setupMetrics prepares the metrics of --metrics-addr over st, for the
// organizations of the clients file. The listener is opened here, so
// that a taken address fails the start; it serves only /metrics, apart
// from the API, so that metrics are never public by accident.
func setupMetrics(c *serveConfig, st store.Store, log *slog.Logger) (*metricsSetup, error) {
	if c.metricsAddr == "" {
		return &metricsSetup{}, nil
	}
	orgs, err := clientOrgs(c.clients)
	if err != nil {
		return nil, err
	}
	m := metrics.New(st, orgs, nil)
	ln, err := net.Listen("tcp", c.metricsAddr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-addr %s: %w; give a free address, such as 127.0.0.1:9090", c.metricsAddr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	log.Info("serving metrics", "addr", ln.Addr().String(), "path", "/metrics")
	return &metricsSetup{
		proc: []processor.Option{processor.WithObserver(m)},
		srv:  []server.Option{server.WithObserver(m.Response)},
		addr: ln.Addr(),
		serve: func(ctx context.Context) error {
			done := make(chan error, 1)
			go func() { done <- srv.Serve(ln) }()
			select {
			case err := <-done:
				return err
			case <-ctx.Done():
			}
			shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			err := srv.Shutdown(shut)
			<-done
			return err
		},
	}, nil
}

// run serves the metrics, if any, until ctx ends; the returned function
// stops them and waits.
func (m *metricsSetup) run(ctx context.Context, log *slog.Logger) (stop func()) {
	if m.serve == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := m.serve(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener stopped", "err", err)
		}
	}()
	return func() { cancel(); <-done }
}

// clientOrgs lists the organizations of the clients file at path, whose
// requests the metrics count.
func clientOrgs(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f struct {
		Clients []struct {
			Organization string `json:"organization"`
		} `json:"clients"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, clientsFileError(path, b, err)
	}
	var orgs []string
	for _, c := range f.Clients {
		if !slices.Contains(orgs, c.Organization) {
			orgs = append(orgs, c.Organization)
		}
	}
	return orgs, nil
}
