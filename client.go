package gdpr

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Client is a Service over HTTP: a client of the hosted GDPR API or of a
// gdprkit server. Make one with New; it is safe for concurrent use and
// should be reused, since it holds the connection pool, the token cache
// and the rate limit state.
//
// Each call goes through a stack of transports, outermost first: retry
// (go-retryablehttp), throttle (a token bucket, taken on every attempt),
// auth (bearer token) and the base transport (WithTransport).
type Client struct {
	base      *url.URL
	baseStr   string
	hc        *http.Client // throttle → auth → base; retries wrap it per call
	retry     RetryPolicy
	log       *slog.Logger
	userAgent string
	clock     clock
	pollMin   time.Duration
	pollMax   time.Duration
	transport *http.Transport // the default base transport, when ours
}

var _ Service = (*Client)(nil)

// New returns a Client configured by opts. With no options it talks to the
// API of DefaultRegion and has no credentials: its calls fail with
// ErrNoCredentials until it is made with WithClientCredentials or
// WithToken. New starts no goroutine and makes no request.
func New(opts ...Option) (*Client, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.authSet > 1 {
		return nil, fmt.Errorf("gdpr: New: give one of WithClientCredentials and WithToken, not both")
	}
	base, err := url.Parse(cfg.baseURL)
	if err != nil {
		return nil, fmt.Errorf("gdpr: New: %w", err)
	}
	c := &Client{
		base:      base,
		baseStr:   base.String(),
		retry:     cfg.retry,
		log:       cfg.logger,
		userAgent: cfg.userAgent,
		clock:     cfg.clock,
		pollMin:   cfg.pollMin,
		pollMax:   cfg.pollMax,
	}

	var hc http.Client
	baseRT := cfg.transport
	if cfg.httpClient != nil {
		hc = http.Client{Timeout: cfg.httpClient.Timeout, Jar: cfg.httpClient.Jar, CheckRedirect: cfg.httpClient.CheckRedirect}
		baseRT = cfg.httpClient.Transport
		if baseRT == nil {
			baseRT = http.DefaultTransport
		}
	}
	if baseRT == nil {
		if dt, ok := http.DefaultTransport.(*http.Transport); ok {
			c.transport = dt.Clone()
			c.transport.MaxIdleConnsPerHost = 64
			baseRT = c.transport
		} else {
			baseRT = http.DefaultTransport
		}
	}

	var src tokenSource = noCredentials{}
	switch {
	case cfg.token != "":
		src = staticToken(cfg.token)
	case cfg.clientID != "":
		src = &clientCredentials{
			tokenURL: tokenURL(base), id: cfg.clientID, secret: cfg.secret,
			hc:    &http.Client{Transport: baseRT, Timeout: hc.Timeout},
			clock: cfg.clock, log: cfg.logger, userAgent: cfg.userAgent,
		}
	}
	auth := &authTransport{next: baseRT, src: src, scheme: base.Scheme, host: base.Host, log: cfg.logger}
	th := newThrottle(auth, cfg.rate, cfg.burst, cfg.clock, cfg.retry.MaxRetryAfter)
	auth.throttle = th
	hc.Transport = th
	c.hc = &hc
	return c, nil
}

// BaseURL returns the API base URL the Client talks to.
func (c *Client) BaseURL() string { return c.baseStr }

// CloseIdleConnections closes the idle connections of the Client's own
// connection pool. A Client made WithHTTPClient or WithTransport leaves
// the caller's pool alone.
func (c *Client) CloseIdleConnections() {
	if c.transport != nil {
		c.transport.CloseIdleConnections()
	}
}

// call is one logical API call, whatever number of attempts it takes.
type call struct {
	method  string
	path    string // the API path, without query: what logs and errors show
	query   string // encoded query string, or ""
	url     string // the whole URL, when not the base URL + path + query
	body    []byte // JSON; the same bytes are sent on every attempt
	idemKey string // Idempotency-Key; makes a POST retryable
	accept  string
	stream  bool // the caller streams the body; else it is read whole within each attempt
}

// send runs cl through the retry layer and returns the last response,
// whatever its status; the caller closes its body.
func (c *Client) send(ctx context.Context, cl *call) (*http.Response, error) {
	u := cl.url
	switch {
	case u != "":
	case cl.query != "":
		u = c.baseStr + cl.path + "?" + cl.query
	default:
		u = c.baseStr + cl.path
	}
	var body any
	if cl.body != nil {
		body = cl.body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, cl.method, u, body)
	if err != nil {
		return nil, fmt.Errorf("gdpr: %s %s: %w", cl.method, cl.path, redactURLError(err))
	}
	accept := cl.accept
	if accept == "" {
		accept = "application/json"
	}
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", c.userAgent)
	if cl.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if cl.idemKey != "" {
		req.Header.Set("Idempotency-Key", cl.idemKey)
	}
	a := &attempts{c: c, method: cl.method, path: cl.path,
		retry: cl.method != http.MethodPost || cl.idemKey != "", buffer: !cl.stream}
	resp, err := a.retryClient().Do(req)
	if err != nil {
		return nil, fmt.Errorf("gdpr: %s %s: %w", cl.method, cl.path, redactURLError(err))
	}
	return resp, nil
}

// do runs cl and decodes a successful response's JSON into out.
func (c *Client) do(ctx context.Context, cl *call, out any) error {
	resp, err := c.send(ctx, cl)
	if err != nil {
		return err
	}
	defer closeBody(resp)
	if err := checkResponse(resp, c.clock.Now()); err != nil {
		return err
	}
	if err := decodeBody(resp.Body, out); err != nil {
		return fmt.Errorf("gdpr: %s %s: decode response: %w", cl.method, cl.path, err)
	}
	return nil
}

// decodeBody decodes the first JSON value of body into out. When body is
// a *bufferedBody it decodes the bytes already read, and only a body that
// does not unmarshal whole (trailing data, or an error) goes through the
// json.Decoder, which returns the same errors as on any other body.
func decodeBody(body io.Reader, out any) error {
	if b, ok := body.(*bufferedBody); ok {
		if json.Unmarshal(b.data, out) == nil {
			return nil
		}
		b.Reset(b.data)
	}
	return json.NewDecoder(body).Decode(out)
}

// maxErrorBody is how much of an error response is read.
const maxErrorBody = 1 << 20

// checkResponse returns nil for a 2xx response, else the typed error its
// status and body make: a *RateLimitError for 429, an *APIError for the
// rest. It reads at most 1 MiB of the body.
func checkResponse(resp *http.Response, now time.Time) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	e := &APIError{HTTPStatus: resp.StatusCode, CorrelationID: resp.Header.Get("ININ-Correlation-Id")}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, &e.Body); err != nil {
			e.Body, e.Raw = ErrorBody{}, data
		}
	}
	if e.Body.Status == 0 {
		e.Body.Status = resp.StatusCode
	}
	if e.Body.Details == nil {
		e.Body.Details = []ErrorDetail{}
	}
	if e.Body.Errors == nil {
		e.Body.Errors = []ErrorBody{}
	}
	if e.CorrelationID == "" {
		e.CorrelationID = e.Body.ContextID
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		d, _ := parseRetryAfter(resp.Header.Get("Retry-After"), now)
		return &RateLimitError{APIError: e, RetryAfter: d}
	}
	return e
}

// closeBody drains what is left of a body, up to a limit, so that the
// connection can be reused, and closes it.
func closeBody(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}
