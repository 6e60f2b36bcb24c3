package apiadapter

import (
	"sync"

	"github.com/gdprkit/gdpr"
)

// seenSize bounds how many remote subjects an Adapter remembers.
const seenSize = 10000

// seen remembers the remote subjects the adapter's searches found, by
// their remote id (remoteKey), so that Resolve can answer the ids a
// search gave, as the hosted procedure goes: search each identifier, then
// one request per matching subject, by its id. It forgets the oldest
// first, a subject once the remote erased it, and everything when the
// process ends.
type seen struct {
	mu    sync.Mutex
	subj  map[string]gdpr.Subject
	order []string
}

func (s *seen) add(sub gdpr.Subject) {
	k := remoteKey(sub)
	if k == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.subj == nil {
		s.subj = map[string]gdpr.Subject{}
	}
	if _, ok := s.subj[k]; !ok {
		s.order = append(s.order, k)
	}
	s.subj[k] = sub.Clone()
	for len(s.order) > seenSize {
		delete(s.subj, s.order[0])
		s.order = s.order[1:]
	}
}

func (s *seen) get(key string) (gdpr.Subject, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, ok := s.subj[key]
	if !ok {
		return gdpr.Subject{}, false
	}
	return sub.Clone(), true
}

// drop forgets sub under each of its ids.
func (s *seen) drop(sub gdpr.Subject) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range []gdpr.Subject{{UserID: sub.UserID}, {ExternalContactID: sub.ExternalContactID}, {DialerContactID: sub.DialerContactID}} {
		// Its place in order goes when it comes first.
		delete(s.subj, remoteKey(t))
	}
}

// termKey is the remoteKey of the subject an id term names, "" for a term
// that names no remote subject by id.
func termKey(t gdpr.Term) string {
	switch t.Kind {
	case gdpr.KindUserID, gdpr.KindExternalContactID:
		return string(t.Kind) + ":" + t.Value
	case gdpr.KindDialerContactID:
		return string(t.Kind) + ":" + t.Scope + "/" + t.Value
	}
	return ""
}
