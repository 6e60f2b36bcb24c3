package gdpr

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// tokenSource gives the bearer token of each request. Implementations are
// safe for concurrent use.
type tokenSource interface {
	// token returns a valid token, fetching one if need be.
	token(ctx context.Context) (string, error)
	// invalidate forgets tok, after the API rejected it; it reports
	// whether a new token may be fetched.
	invalidate(tok string) bool
}

type staticToken string

func (s staticToken) token(context.Context) (string, error) { return string(s), nil }
func (staticToken) invalidate(string) bool                  { return false }

type noCredentials struct{}

func (noCredentials) token(context.Context) (string, error) { return "", ErrNoCredentials }
func (noCredentials) invalidate(string) bool                { return false }

// authTransport is the layer of the transport stack that adds the
// Authorization header, to requests for the API's own host only. On a 401
// it fetches a new token once and sends the request again.
type authTransport struct {
	next     http.RoundTripper
	src      tokenSource
	scheme   string
	host     string
	throttle *throttle // takes a token for the resend after a 401
	log      *slog.Logger
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.EqualFold(req.URL.Scheme, t.scheme) || !strings.EqualFold(req.URL.Host, t.host) {
		return t.next.RoundTrip(req)
	}
	tok, err := t.src.token(req.Context())
	if err != nil {
		closeRequestBody(req)
		return nil, err
	}
	resp, err := t.next.RoundTrip(withBearer(req, tok))
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	if req.GetBody == nil && req.Body != nil && req.Body != http.NoBody {
		return resp, nil // cannot send the body again
	}
	if !t.src.invalidate(tok) {
		return resp, nil
	}
	closeBody(resp)
	if t.log != nil {
		t.log.LogAttrs(req.Context(), slog.LevelInfo, "gdpr: token rejected; fetching a new one",
			slog.String("method", req.Method), slog.String("path", req.URL.Path), slog.Int("status", resp.StatusCode))
	}
	if tok, err = t.src.token(req.Context()); err != nil {
		return nil, err
	}
	again := withBearer(req, tok)
	if req.GetBody != nil {
		if again.Body, err = req.GetBody(); err != nil {
			return nil, err
		}
	}
	if t.throttle != nil {
		return t.throttle.roundTrip(again, t.next)
	}
	return t.next.RoundTrip(again)
}

// withBearer returns a copy of req carrying tok; req is not touched. The
// copy is shallow but for its header, copied as http.Header.Clone does.
func withBearer(req *http.Request, tok string) *http.Request {
	r := new(http.Request)
	*r = *req
	n := 1
	for _, v := range req.Header {
		n += len(v)
	}
	sv := make([]string, n) // every value, in one allocation
	h := make(http.Header, len(req.Header)+1)
	for k, v := range req.Header {
		m := copy(sv, v)
		h[k], sv = sv[:m:m], sv[m:]
	}
	sv[0] = "Bearer " + tok
	h["Authorization"] = sv[:1:1]
	r.Header = h
	return r
}

// clientCredentials fetches tokens with the OAuth client credentials
// grant and caches them until shortly before they expire.
type clientCredentials struct {
	tokenURL  string
	id        string
	secret    string
	hc        *http.Client
	clock     clock
	log       *slog.Logger
	userAgent string

	mu     sync.Mutex
	tok    string
	expiry time.Time // zero: never expires
}

func (s *clientCredentials) token(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok != "" && (s.expiry.IsZero() || s.clock.Now().Before(s.expiry)) {
		return s.tok, nil
	}
	tok, expiresIn, err := s.fetch(ctx)
	if err != nil {
		return "", err
	}
	s.tok, s.expiry = tok, time.Time{}
	if expiresIn > 0 {
		// Refresh early: with a tenth of the lifetime left, at most a minute.
		s.expiry = s.clock.Now().Add(expiresIn - min(expiresIn/10, time.Minute))
	}
	return tok, nil
}

func (s *clientCredentials) invalidate(tok string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok == tok {
		s.tok = ""
	}
	return true
}

// fetch asks the token endpoint for a token.
func (s *clientCredentials) fetch(ctx context.Context) (string, time.Duration, error) {
	form := url.Values{"grant_type": {"client_credentials"}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.tokenURL, strings.NewReader(form))
	if err != nil {
		return "", 0, fmt.Errorf("gdpr: oauth token: %w", err)
	}
	req.SetBasicAuth(s.id, s.secret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", s.userAgent)
	resp, err := s.hc.Do(req)
	if err != nil {
		return "", 0, fmt.Errorf("gdpr: oauth token: %w", err)
	}
	defer closeBody(resp)
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if err != nil {
		return "", 0, fmt.Errorf("gdpr: oauth token: %w", err)
	}
	if s.log != nil {
		s.log.LogAttrs(ctx, slog.LevelDebug, "gdpr: token request",
			slog.String("path", req.URL.Path), slog.Int("status", resp.StatusCode))
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error            string `json:"error"`
			Description      string `json:"description"`
			ErrorDescription string `json:"error_description"`
		}
		_ = json.Unmarshal(body, &e) // a body that is not JSON leaves only the status
		desc := e.ErrorDescription
		if desc == "" {
			desc = e.Description
		}
		return "", 0, &OAuthError{HTTPStatus: resp.StatusCode, Code: e.Error, Description: desc,
			CorrelationID: resp.Header.Get("ININ-Correlation-Id")}
	}
	var t struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if err := json.Unmarshal(body, &t); err != nil {
		return "", 0, fmt.Errorf("gdpr: oauth token: decode response: %w", err)
	}
	if t.AccessToken == "" {
		return "", 0, &OAuthError{HTTPStatus: resp.StatusCode, Code: "invalid_response", Description: "the token endpoint sent no access_token"}
	}
	if t.TokenType != "" && !strings.EqualFold(t.TokenType, "bearer") {
		return "", 0, &OAuthError{HTTPStatus: resp.StatusCode, Code: "invalid_response", Description: "token_type " + t.TokenType + " is not bearer"}
	}
	return t.AccessToken, time.Duration(t.ExpiresIn) * time.Second, nil
}

// tokenURL derives the token endpoint from the API base URL: the host's
// "api." label becomes "login." and the path is /oauth/token; a host
// without it keeps the base URL and appends /oauth/token.
func tokenURL(base *url.URL) string {
	u := *base
	if rest, ok := strings.CutPrefix(strings.ToLower(u.Host), "api."); ok {
		u.Host = "login." + rest
		u.Path = "/oauth/token"
	} else {
		u.Path = strings.TrimRight(u.Path, "/") + "/oauth/token"
	}
	u.RawPath = ""
	return u.String()
}

func closeRequestBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}
