package console

import (
	"context"
	"crypto/subtle"
	"net/http"

	"github.com/gdprkit/gdpr"
)

// maxForm bounds the body of a form post.
const maxForm = 64 << 10

// handler is a console page or action for a signed-in session.
type handler func(w http.ResponseWriter, r *http.Request, s *session)

// page serves a GET page to a signed-in session; without one it sends the
// browser to the sign-in page.
func (c *Console) page(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, ok := c.fromRequest(r)
		if !ok {
			http.Redirect(w, r, Path+"signin", http.StatusSeeOther)
			return
		}
		h(w, r.WithContext(orgContext(r.Context(), s)), s)
	}
}

// action serves a POST of a signed-in session, after checking its CSRF
// token in constant time and, when write is set, that its scope may
// create and retry requests. Each refusal is a 403 page that says why.
func (c *Console) action(write bool, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, ok := c.fromRequest(r)
		if !ok {
			c.fail(w, r, nil, http.StatusForbidden, "Signed out",
				"Your session has ended, so this form was not accepted. Sign in again and repeat what you were doing.")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		if err := r.ParseForm(); err != nil {
			c.fail(w, r, s, http.StatusBadRequest, "Form not readable", "The form could not be read; go back and send it again.")
			return
		}
		if !tokenMatches(r.PostForm.Get("csrf"), s.csrf) {
			c.fail(w, r, s, http.StatusForbidden, "Form refused",
				"This form did not carry the console's security token, so it was refused: it may have come from another site, or from a page older than your session. Nothing was changed. Go back, reload the page and try again.")
			return
		}
		if write && !s.canWrite() {
			c.fail(w, r, s, http.StatusForbidden, "Not permitted",
				"You signed in with the read-only client "+s.client+": it may look people up and read requests, but not create or retry them. Nothing was changed. Sign in with a client of scope gdpr to do this.")
			return
		}
		h(w, r.WithContext(orgContext(r.Context(), s)), s)
	}
}

// tokenMatches compares a posted token with the expected one in constant
// time; an empty token never matches.
func tokenMatches(got, want string) bool {
	return got != "" && want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// orgContext returns ctx acting for the session's organization.
func orgContext(ctx context.Context, s *session) context.Context {
	return gdpr.ContextWithOrganization(ctx, s.org)
}
