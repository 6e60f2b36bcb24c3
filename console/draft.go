package console

import (
	"sync"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/dsr"
)

// maxDrafts is how many DSRs in progress a session keeps; starting one
// more forgets the oldest.
const maxDrafts = 8

// draft is one DSR in progress in a session: the resolution of the
// person's identifiers, then the plan the officer chose, then the report
// of its submission. It lives as long as its session and holds personal
// data (the identifiers and what the searches found), in memory only.
type draft struct {
	id string

	mu        sync.Mutex // held while a page reads or changes the draft
	reference string     // the DSR id the officer gave, or ""
	res       *dsr.Resolution
	typ       gdpr.RequestType
	opts      dsr.Options
	plan      *dsr.Plan
	report    *dsr.Report // set once submitted
	form      dsrForm     // as the officer sent it, to show again
	pending   *resolving  // the searches, until they end well
}

// addDraft keeps d in the session, forgetting the oldest draft past
// maxDrafts.
func (s *session) addDraft(d *draft) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drafts = append(s.drafts, d)
	if len(s.drafts) > maxDrafts {
		s.drafts = s.drafts[len(s.drafts)-maxDrafts:]
	}
}

// draft returns the session's draft with the id, or false.
func (s *session) draft(id string) (*draft, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.drafts {
		if d.id == id {
			return d, true
		}
	}
	return nil, false
}
