package apiadapter

import (
	"sync"

	"github.com/gdprkit/gdpr"
)

// memoSize bounds how many finished operations an Adapter remembers.
const memoSize = 4096

// memo remembers the Outcome of finished Rectify and Erase operations by
// Op.ID, so that a repeat (the processor's run after a crash that came
// before it recorded the step) reports what the first run did: the
// remote, once it has erased a subject, no longer finds it. It forgets
// the oldest first, and everything when the process ends; a repeat it
// forgot creates no remote request (the keys see to that) but counts only
// what is still found.
type memo struct {
	mu    sync.Mutex
	out   map[string]gdpr.Outcome
	order []string
}

func (m *memo) get(id string) (gdpr.Outcome, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.out[id]
	return o, ok
}

func (m *memo) put(id string, o gdpr.Outcome) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.out == nil {
		m.out = map[string]gdpr.Outcome{}
	}
	if _, ok := m.out[id]; !ok {
		m.order = append(m.order, id)
	}
	m.out[id] = o
	if len(m.order) > memoSize {
		delete(m.out, m.order[0])
		m.order = m.order[1:]
	}
}
