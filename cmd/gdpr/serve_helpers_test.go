package main

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"
)

// runServe runs gdpr serve with cfg, logging nowhere, and returns the
// address it listens on and a stop that shuts it down (once, however often
// it is called) and reports an error serve returned.
func runServe(t *testing.T, cfg *serveConfig) (addr string, stop func()) {
	t.Helper()
	log, _ := newLogger(io.Discard, "error")
	return runServeLogged(t, cfg, log)
}

// runServeLogged is runServe logging to log.
func runServeLogged(t *testing.T, cfg *serveConfig, log *slog.Logger) (addr string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, log, ready) }()
	select {
	case addr = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("serve: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("serve did not start")
	}
	var once sync.Once
	return addr, func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
		})
	}
}
