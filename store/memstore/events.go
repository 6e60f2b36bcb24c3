package memstore

import (
	"context"
	"fmt"
	"time"

	"github.com/gdprkit/gdpr/store"
)

// Events returns the organization's audit events with Seq greater than
// after, in Seq order, at most limit of them (0: all). The slice is the
// caller's own.
func (s *Store) Events(ctx context.Context, org string, after int64, limit int) ([]store.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: events: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.events[org]
	if c == nil {
		return nil, nil
	}
	from := int(min(max(after, 0), int64(c.n)))
	to := c.n
	if limit > 0 && limit < to-from {
		to = from + limit
	}
	return c.copy(from, to), nil
}

var _ store.RequestEventer = (*Store)(nil)

// RequestEvents returns the organization's audit events about the request
// id, in Seq order, from an index kept per request: its cost follows the
// request's events, not the chain's length.
func (s *Store) RequestEvents(ctx context.Context, org, id string) ([]store.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: request events: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.events[org]
	if c == nil {
		return nil, nil
	}
	idx := c.byRequest[id]
	out := make([]store.Event, len(idx))
	for i, n := range idx {
		out[i] = c.chunks[n/chunkSize][n%chunkSize]
	}
	return out, nil
}

// appendEvents seals evs onto org's chain. The caller holds s.mu.
func (s *Store) appendEvents(org string, evs ...store.Event) {
	c := s.events[org]
	if c == nil {
		c = new(chain)
		s.events[org] = c
	}
	for _, ev := range evs {
		ev.Org = org
		// Durable stores keep microseconds; seal what they would return,
		// so that a chain verifies whichever store it came from.
		ev.Time = ev.Time.Truncate(time.Microsecond)
		c.append(store.SealEvent(ev, c.last()))
	}
}

// chunkSize is how many events a chain keeps per chunk.
const chunkSize = 1024

// chain is an organization's events, Seq i at index i-1, kept in chunks so
// that a long chain grows without copying the events it holds.
type chain struct {
	chunks    [][]store.Event
	n         int
	byRequest map[string][]int // request id → indexes of its events
}

// last returns the newest event, nil when there is none.
func (c *chain) last() *store.Event {
	if c.n == 0 {
		return nil
	}
	return &c.chunks[(c.n-1)/chunkSize][(c.n-1)%chunkSize]
}

func (c *chain) append(ev store.Event) {
	if c.n%chunkSize == 0 {
		c.chunks = append(c.chunks, make([]store.Event, 0, chunkSize))
	}
	k := len(c.chunks) - 1
	c.chunks[k] = append(c.chunks[k], ev)
	if c.byRequest == nil {
		c.byRequest = map[string][]int{}
	}
	c.byRequest[ev.RequestID] = append(c.byRequest[ev.RequestID], c.n)
	c.n++
}

// copy returns a copy of the events at indexes from to to (exclusive).
func (c *chain) copy(from, to int) []store.Event {
	out := make([]store.Event, 0, to-from)
	for i := from; i < to; {
		chunk := c.chunks[i/chunkSize][i%chunkSize:]
		chunk = chunk[:min(len(chunk), to-i)]
		out = append(out, chunk...)
		i += len(chunk)
	}
	return out
}
