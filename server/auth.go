package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// principal is who a bearer token speaks for.
type principal struct {
	org, client, scope string
	expires            time.Time
}

// sign returns the HMAC-SHA256 of the parts under the server's key.
func (s *Server) sign(parts ...string) []byte {
	m := hmac.New(sha256.New, s.key)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return m.Sum(nil)
}

// issue returns a bearer token for the client, valid for the token TTL.
func (s *Server) issue(c Client) (string, time.Time) {
	exp := s.now().Add(s.tokenTTL + time.Second - 1).Truncate(time.Second) // at least the TTL
	payload := strings.Join([]string{"v1", c.Organization, c.ID, c.Scope, strconv.FormatInt(exp.Unix(), 10)}, "|")
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(payload)) + "." + enc.EncodeToString(s.sign("token", payload)), exp
}

// verify returns the principal of a bearer token, checking its signature
// in constant time, its expiry, and that its client is still in the
// clients set with the same organization and scope: a client removed or
// changed has its tokens refused at once. A token that verified before is
// found in s.tokens, which checks the signature and expiry the same.
func (s *Server) verify(token string) (principal, bool) {
	p64, sig64, ok := strings.Cut(token, ".")
	if !ok || len(token) > 2048 {
		return principal{}, false
	}
	now := s.now()
	p, ok := s.tokens.get(p64, sig64, now)
	if !ok {
		if p, ok = s.verifySignature(p64, sig64, now); ok {
			s.tokens.put(p64, sig64, p, now)
		}
	}
	if !ok {
		return principal{}, false
	}
	if c, ok := s.clients.Lookup(p.client); !ok || c.Organization != p.org || c.Scope != p.scope {
		return principal{}, false
	}
	return p, true
}

// verifySignature returns the principal of the token p64.sig64, checking
// its signature in constant time and that it has not expired at now.
func (s *Server) verifySignature(p64, sig64 string, now time.Time) (principal, bool) {
	enc := base64.RawURLEncoding
	payload, err1 := enc.DecodeString(p64)
	sig, err2 := enc.DecodeString(sig64)
	if err1 != nil || err2 != nil || !hmac.Equal(sig, s.sign("token", string(payload))) {
		return principal{}, false
	}
	f := strings.Split(string(payload), "|")
	if len(f) != 5 || f[0] != "v1" {
		return principal{}, false
	}
	exp, err := strconv.ParseInt(f[4], 10, 64)
	if err != nil || !now.Before(time.Unix(exp, 0)) {
		return principal{}, false
	}
	return principal{org: f[1], client: f[2], scope: f[3], expires: time.Unix(exp, 0)}, true
}

// authenticate returns the principal of the request's bearer token, or
// the 401 code and message that say what is wrong.
func (s *Server) authenticate(r *http.Request) (principal, string, string) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return principal{}, codeAuthenticationRequired,
			"authentication required: send Authorization: Bearer <token>, with a token from POST /oauth/token"
	}
	scheme, token, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return principal{}, codeAuthenticationRequired,
			"the Authorization header must be 'Bearer <token>'; get a token from POST /oauth/token"
	}
	p, ok := s.verify(strings.TrimSpace(token))
	if !ok {
		return principal{}, codeBadCredentials,
			"the bearer token is invalid or expired; get a new one from POST /oauth/token"
	}
	return p, "", ""
}

func (s *Server) unauthorized(w http.ResponseWriter, r *http.Request, code, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="gdpr"`)
	s.fail(w, r, http.StatusUnauthorized, code, "", "%s", msg)
}

// tokenResponse is the OAuth 2 token response.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
}

// oauthError is the OAuth 2 error response, with the description under
// both names clients read.
type oauthError struct {
	Error            string `json:"error"`
	Description      string `json:"description"`
	ErrorDescription string `json:"error_description"`
}

func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="gdpr"`)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, oauthError{Error: code, Description: desc, ErrorDescription: desc})
}

// token serves POST /oauth/token: the client credentials grant.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client",
			"send the client id and secret with HTTP Basic authentication")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "the body must be a form: grant_type=client_credentials")
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != "client_credentials" {
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type",
			"grant_type must be client_credentials")
		return
	}
	c, err := s.guard.Authenticate(r.Context(), s.clients, s.proxies.ClientAddr(r), id, secret)
	var locked *LockedError
	switch {
	case errors.As(err, &locked):
		secs := int(math.Max(1, math.Ceil(locked.RetryAfter.Seconds())))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		writeOAuthError(w, http.StatusTooManyRequests, "invalid_client",
			fmt.Sprintf("too many failed attempts from this address or at this client; try again in %d seconds", secs))
		return
	case errors.Is(err, ErrBusy):
		w.Header().Set("Retry-After", "1")
		writeOAuthError(w, http.StatusServiceUnavailable, "temporarily_unavailable", "too many token requests at once; try again in a second")
		return
	case errors.Is(err, ErrBadCredentials):
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "unknown client or wrong secret")
		return
	case err != nil:
		return // the caller went away
	}
	tok, _ := s.issue(c)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, tokenResponse{AccessToken: tok, TokenType: "bearer", ExpiresIn: int64(s.tokenTTL / time.Second)})
}
