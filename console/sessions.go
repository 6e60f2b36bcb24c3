package console

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"sync"
	"time"

	"github.com/gdprkit/gdpr/server"
)

// sessionCookie names the cookie that carries the session id.
const sessionCookie = "gdpr_console_session"

// maxSessions bounds the sessions kept at once; past it, the one used
// least recently is ended.
const maxSessions = 10_000

// session is one signed-in officer: the client they signed in as, its
// organization and scope, the CSRF token of their forms, and their DSRs
// in progress. id, client, org, scope, csrf and created never change.
type session struct {
	id, client, org, scope, csrf string
	created                      time.Time

	mu       sync.Mutex // guards lastSeen and drafts
	lastSeen time.Time
	drafts   []*draft // oldest first
}

// canWrite reports whether the session's scope may create and retry
// requests.
func (s *session) canWrite() bool { return s.scope == server.ScopeAll }

// sessions is the in-memory set of sessions, safe for concurrent use.
type sessions struct {
	mu      sync.Mutex
	byID    map[string]*session
	idle    time.Duration // since last use
	longest time.Duration // since sign-in
	now     func() time.Time
}

func newSessions(idle, longest time.Duration, now func() time.Time) *sessions {
	return &sessions{byID: map[string]*session{}, idle: idle, longest: longest, now: now}
}

// randomToken returns 32 random bytes, URL-safe base64.
func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails: crypto/rand panics rather than return an error
	return base64.RawURLEncoding.EncodeToString(b)
}

// create starts a session for the client, ending expired ones.
func (ss *sessions) create(cl server.Client) *session {
	now := ss.now()
	s := &session{id: randomToken(), client: cl.ID, org: cl.Organization, scope: cl.Scope,
		csrf: randomToken(), created: now, lastSeen: now}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for id, old := range ss.byID {
		if ss.expired(old, now) {
			delete(ss.byID, id)
		}
	}
	if len(ss.byID) >= maxSessions {
		var oldest *session
		for _, old := range ss.byID {
			if oldest == nil || old.seen().Before(oldest.seen()) {
				oldest = old
			}
		}
		delete(ss.byID, oldest.id)
	}
	ss.byID[s.id] = s
	return s
}

// get returns the live session with the id and marks it used, or false.
func (ss *sessions) get(id string) (*session, bool) {
	now := ss.now()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s, ok := ss.byID[id]
	if !ok {
		return nil, false
	}
	if ss.expired(s, now) {
		delete(ss.byID, id)
		return nil, false
	}
	s.mu.Lock()
	s.lastSeen = now
	s.mu.Unlock()
	return s, true
}

// end removes the session with the id, if any.
func (ss *sessions) end(id string) {
	ss.mu.Lock()
	delete(ss.byID, id)
	ss.mu.Unlock()
}

func (ss *sessions) expired(s *session, now time.Time) bool {
	return !now.Before(s.seen().Add(ss.idle)) || !now.Before(s.created.Add(ss.longest))
}

func (s *session) seen() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastSeen
}

// fromRequest returns the live session of the request's cookie, or false;
// the session's client must still be in the clients set as it signed in.
func (c *Console) fromRequest(r *http.Request) (*session, bool) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return nil, false
	}
	s, ok := c.sessions.get(ck.Value)
	if !ok {
		return nil, false
	}
	// A client removed from the clients file, or moved to another
	// organization or scope, is signed out at once.
	if cl, ok := c.clients.Lookup(s.client); !ok || cl.Organization != s.org || cl.Scope != s.scope {
		c.sessions.end(s.id)
		return nil, false
	}
	return s, true
}

// cookie returns a console cookie: HttpOnly, SameSite=Strict, Path=/console/,
// Secure over TLS (a trusted proxy's X-Forwarded-Proto: https counts) or
// with WithSecureCookies. maxAge < 0 deletes it; 0
// makes a cookie that lasts until the browser closes.
func (c *Console) cookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: Path, MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.secure || c.proxies.Scheme(r) == "https"}
}
