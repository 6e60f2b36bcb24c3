package server

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"
	"time"
)

// ClientsCheckEvery is how often a clients set read by LoadClients looks
// whether its file changed.
const ClientsCheckEvery = time.Second

// ClientsOption configures LoadClients.
type ClientsOption func(*clientsWatch) error

// WithClientsLogger sets where LoadClients's set warns of a file it could
// not read again, and tells of one it did (client counts, never secrets).
func WithClientsLogger(l *slog.Logger) ClientsOption {
	return func(w *clientsWatch) error {
		if l == nil {
			return errors.New("logger is nil")
		}
		w.log = l
		return nil
	}
}

// WithClientsClock sets the source of the current time, for tests.
func WithClientsClock(now func() time.Time) ClientsOption {
	return func(w *clientsWatch) error {
		if now == nil {
			return errors.New("clock is nil")
		}
		w.now = now
		return nil
	}
}

// clientsWatch is the file a Clients set follows.
type clientsWatch struct {
	path    string
	now     func() time.Time
	log     *slog.Logger
	checked atomic.Int64 // unix nanoseconds of the last look

	// Held under the Clients' write lock:
	stat    fileStamp
	problem string // the last problem warned of, "" when none
}

// fileStamp tells one version of a file from another.
type fileStamp struct {
	mod  time.Time
	size int64
}

// read reads the file into a new set.
func (w *clientsWatch) read() (*Clients, fileStamp, error) {
	f, err := os.Open(w.path)
	if err != nil {
		return nil, fileStamp{}, fmt.Errorf("server: clients file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fileStamp{}, fmt.Errorf("server: clients file: %w", err)
	}
	c, err := ReadClients(f)
	return c, fileStamp{fi.ModTime(), fi.Size()}, err
}

// follow reads the clients file again when it changed, at most once per
// ClientsCheckEvery; only one caller looks at a time, the others go on
// with the set as it is.
func (c *Clients) follow() {
	w := c.file
	if w == nil {
		return
	}
	now := w.now().UnixNano()
	last := w.checked.Load()
	if now-last < int64(ClientsCheckEvery) || !w.checked.CompareAndSwap(last, now) {
		return
	}
	fi, err := os.Stat(w.path)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil && (fileStamp{fi.ModTime(), fi.Size()}) == w.stat {
		return
	}
	next, st, err := w.read()
	if err != nil {
		if p := err.Error(); p != w.problem {
			w.problem = p
			w.log.Warn("server: the clients file cannot be used; the clients read before stay in use", "err", p)
		}
		return
	}
	w.problem, w.stat = "", st
	c.byID = next.byID
	w.log.Info("server: read the clients file again", "clients", len(c.byID))
}

// Lookup returns the client of id as the set holds it now, following its
// file.
func (c *Clients) Lookup(id string) (Client, bool) {
	c.follow()
	c.mu.RLock()
	defer c.mu.RUnlock()
	cl, ok := c.byID[id]
	return cl, ok
}
