package console

import (
	"errors"
	"fmt"
	"math"
	"net/http"

	"github.com/gdprkit/gdpr/server"
)

// signinCookie carries the token of the sign-in form (a double-submitted
// token: the form's hidden field must equal it), so that another site
// cannot sign a browser in.
const signinCookie = "gdpr_console_signin"

// signinView is the data of the sign-in page.
type signinView struct {
	ClientID string
}

// signinPage serves the sign-in form.
func (c *Console) signinPage(w http.ResponseWriter, r *http.Request) {
	c.renderSignin(w, r, http.StatusOK, "", "")
}

// renderSignin writes the sign-in form with a token tied to the sign-in
// cookie (reused while it lasts, so two tabs both work).
func (c *Console) renderSignin(w http.ResponseWriter, r *http.Request, status int, clientID, msg string) {
	token := ""
	if ck, err := r.Cookie(signinCookie); err == nil && len(ck.Value) == len(randomToken()) {
		token = ck.Value
	} else {
		token = randomToken()
	}
	http.SetCookie(w, c.cookie(r, signinCookie, token, 3600))
	c.render(w, r, nil, status, "signin", view{Title: "Sign in", CSRF: token, Error: msg, Data: signinView{ClientID: clientID}})
}

// signinPost checks the client id and secret against the server's
// clients and starts a session in a new cookie.
func (c *Console) signinPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		c.renderSignin(w, r, http.StatusBadRequest, "", "The form could not be read; try again.")
		return
	}
	id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	ck, err := r.Cookie(signinCookie)
	if err != nil || !tokenMatches(r.PostForm.Get("csrf"), ck.Value) {
		c.renderSignin(w, r, http.StatusForbidden, id,
			"This sign-in form was refused: it had expired or did not come from this console. Sign in again on this page.")
		return
	}
	cl, err := c.guard.Authenticate(r.Context(), c.clients, c.proxies.ClientAddr(r), id, secret)
	var locked *server.LockedError
	switch {
	case errors.As(err, &locked):
		mins := int(math.Ceil(locked.RetryAfter.Minutes()))
		w.Header().Set("Retry-After", fmt.Sprint(int(math.Ceil(locked.RetryAfter.Seconds()))))
		c.renderSignin(w, r, http.StatusTooManyRequests, id,
			fmt.Sprintf("Too many failed sign-ins from your address or to this client. Try again in %d minutes.", mins))
		return
	case errors.Is(err, server.ErrBusy):
		w.Header().Set("Retry-After", "1")
		c.renderSignin(w, r, http.StatusServiceUnavailable, id, "Too many sign-ins at once. Try again in a moment.")
		return
	case errors.Is(err, server.ErrBadCredentials):
		c.log.InfoContext(r.Context(), "console sign-in failed")
		c.renderSignin(w, r, http.StatusUnauthorized, id, "Unknown client or wrong secret. Check both and try again.")
		return
	case err != nil:
		return // the browser went away
	}
	if old, ok := c.fromRequest(r); ok {
		c.sessions.end(old.id)
	}
	s := c.sessions.create(cl)
	http.SetCookie(w, c.cookie(r, sessionCookie, s.id, 0))
	http.SetCookie(w, c.cookie(r, signinCookie, "", -1))
	c.log.InfoContext(r.Context(), "console sign-in", "client", s.client, "org", s.org, "scope", s.scope)
	http.Redirect(w, r, Path+"requests", http.StatusSeeOther)
}

// signout ends the session and its cookie.
func (c *Console) signout(w http.ResponseWriter, r *http.Request, s *session) {
	c.sessions.end(s.id)
	http.SetCookie(w, c.cookie(r, sessionCookie, "", -1))
	c.log.InfoContext(r.Context(), "console sign-out", "client", s.client, "org", s.org)
	http.Redirect(w, r, Path+"signin", http.StatusSeeOther)
}
