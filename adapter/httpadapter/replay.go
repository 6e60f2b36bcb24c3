package httpadapter

import (
	"sync"
	"time"
)

// DefaultReplayCache is how many nonces a Handler remembers by default:
// the signed calls it can accept within twice its window.
const DefaultReplayCache = 100_000

// replayCache remembers the nonces of accepted calls until their
// timestamp leaves the window, so that a captured call sent again within
// it is refused. It holds at most size nonces; when full of nonces still
// in their window it refuses new calls (errReplayFull) rather than forget
// one that could then be replayed. Only calls whose signature verified
// are remembered, so only the processor can fill it. Safe for concurrent
// use; each call costs O(1) amortized.
type replayCache struct {
	mu    sync.Mutex
	size  int
	seen  map[string]time.Time // nonce: when it may be forgotten
	order []replayEntry        // in the order seen; expiries are not sorted, see add
	head  int
}

type replayEntry struct {
	nonce   string
	forgets time.Time
}

func newReplayCache(size int) *replayCache {
	return &replayCache{size: size, seen: make(map[string]time.Time)}
}

// add records nonce, of a call stamped ts accepted within window, at now.
// It returns errReplayed when the nonce was seen and not yet forgotten.
func (c *replayCache) add(nonce string, ts time.Time, window time.Duration, now time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if forgets, ok := c.seen[nonce]; ok && now.Before(forgets) {
		return errReplayed
	}
	// Forget from the oldest while they are past their window. A call
	// stamped in the future may sit behind older ones a little longer;
	// it is then forgotten late, never early.
	for c.head < len(c.order) && !now.Before(c.order[c.head].forgets) {
		e := c.order[c.head]
		if c.seen[e.nonce] == e.forgets {
			delete(c.seen, e.nonce)
		}
		c.order[c.head] = replayEntry{}
		c.head++
	}
	if c.head > len(c.order)/2 && c.head > 1024 {
		c.order = append(c.order[:0:0], c.order[c.head:]...)
		c.head = 0
	}
	if len(c.seen) >= c.size {
		return errReplayFull
	}
	forgets := ts.Add(window + time.Second) // the window is inclusive, timestamps are whole seconds
	c.seen[nonce] = forgets
	c.order = append(c.order, replayEntry{nonce: nonce, forgets: forgets})
	return nil
}
