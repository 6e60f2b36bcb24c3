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
	// clock counts drops; dropped holds the count at which each id was
	// dropped, so that a search that began before an erasure ended does
	// not bring its subject back. It is bounded like subj.
	clock       uint64
	dropped     map[string]uint64
	droppedKeys []string
}

// mark returns the count of drops so far: give it to add with the
// subjects of a search that begins now.
func (s *seen) mark() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clock
}

// add remembers sub, found by a search that began at mark, unless it was
// dropped since.
func (s *seen) add(sub gdpr.Subject, mark uint64) {
	k := remoteKey(sub)
	if k == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range idKeys(sub) {
		if s.dropped[id] > mark {
			return // erased after the search began: what it found is gone
		}
	}
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

// idKeys are the remoteKeys of each id sub carries.
func idKeys(sub gdpr.Subject) []string {
	var ks []string
	for _, t := range []gdpr.Subject{{UserID: sub.UserID}, {ExternalContactID: sub.ExternalContactID}, {DialerContactID: sub.DialerContactID}} {
		if k := remoteKey(t); k != "" {
			ks = append(ks, k)
		}
	}
	return ks
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

// drop forgets sub under each of its ids, and keeps searches that began
// before from bringing it back.
func (s *seen) drop(sub gdpr.Subject) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clock++
	if s.dropped == nil {
		s.dropped = map[string]uint64{}
	}
	for _, k := range idKeys(sub) {
		delete(s.subj, k) // its place in order goes when it comes first
		if _, ok := s.dropped[k]; !ok {
			s.droppedKeys = append(s.droppedKeys, k)
		}
		s.dropped[k] = s.clock
	}
	for len(s.droppedKeys) > seenSize {
		delete(s.dropped, s.droppedKeys[0])
		s.droppedKeys = s.droppedKeys[1:]
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
