package gdpr

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// An Option configures a Client made by New. Options check their
// arguments: New returns the first option's error and no Client.
type Option func(*config) error

type config struct {
	baseURL    string
	token      string
	clientID   string
	secret     string
	authSet    int
	httpClient *http.Client
	transport  http.RoundTripper
	rate       float64
	burst      int
	retry      RetryPolicy
	logger     *slog.Logger
	userAgent  string
	pollMin    time.Duration
	pollMax    time.Duration
	clock      clock
}

// Defaults of a Client made without the options that change them. The
// retry defaults are DefaultRetryPolicy.
const (
	DefaultPollMin   = time.Second      // WithPolling: first wait between polls
	DefaultPollMax   = 30 * time.Second // WithPolling: longest wait between polls
	DefaultUserAgent = "gdprkit-go/1"
)

func defaultConfig() config {
	u, _ := RegionURL(DefaultRegion)
	return config{
		baseURL:   u,
		rate:      math.Inf(1),
		burst:     1,
		retry:     DefaultRetryPolicy(),
		userAgent: DefaultUserAgent,
		pollMin:   DefaultPollMin,
		pollMax:   DefaultPollMax,
		clock:     systemClock{},
	}
}

func optionError(option, format string, args ...any) error {
	return fmt.Errorf("gdpr: %s: %s", option, fmt.Sprintf(format, args...))
}

// WithBaseURL points the Client at an API base URL, such as
// https://api.mypurecloud.ie or the address of a gdprkit server
// (http://localhost:8080). It must be an absolute http or https URL
// without query or fragment; a path is kept as a prefix of every route.
// WithBaseURL and WithRegion replace each other: the last one given wins.
func WithBaseURL(base string) Option {
	return func(c *config) error {
		u, err := url.Parse(base)
		if err != nil {
			return fmt.Errorf("gdpr: WithBaseURL: %w", err)
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			return optionError("WithBaseURL", "%q must be an http or https URL", base)
		}
		if u.Host == "" {
			return optionError("WithBaseURL", "%q has no host", base)
		}
		if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return optionError("WithBaseURL", "%q must have no query, fragment or user info", base)
		}
		u.Path = strings.TrimRight(u.Path, "/")
		u.RawPath = ""
		c.baseURL = u.String()
		return nil
	}
}

// WithRegion points the Client at the API of a region, such as
// "eu-west-1" (https://api.mypurecloud.ie). Regions lists the names.
func WithRegion(name string) Option {
	return func(c *config) error {
		u, ok := RegionURL(name)
		if !ok {
			return optionError("WithRegion", "unknown region %q; use one of %s", name, strings.Join(Regions(), ", "))
		}
		c.baseURL = u
		return nil
	}
}

// WithClientCredentials authenticates with an OAuth client id and secret
// (the client credentials grant). The token is fetched on first use,
// cached, and fetched again shortly before it expires, or once when the
// API answers 401. The token endpoint is the API host with "api." replaced
// by "login." and the path /oauth/token (https://login.mypurecloud.ie/oauth/token
// for eu-west-1); for a host without an "api." label it is the base URL
// followed by /oauth/token.
func WithClientCredentials(id, secret string) Option {
	return func(c *config) error {
		if id == "" || secret == "" {
			return optionError("WithClientCredentials", "client id and secret are both required")
		}
		c.clientID, c.secret = id, secret
		c.authSet++
		return nil
	}
}

// WithToken authenticates every call with a static bearer token. A 401 is
// returned as an error matching ErrUnauthorized.
func WithToken(token string) Option {
	return func(c *config) error {
		if token == "" {
			return optionError("WithToken", "token is empty")
		}
		if strings.ContainsAny(token, "\r\n") {
			return optionError("WithToken", "token must be one line")
		}
		c.token = token
		c.authSet++
		return nil
	}
}

// WithHTTPClient sends through hc: its Transport (http.DefaultTransport
// when nil) becomes the base of the Client's transport stack, and its
// Timeout, Jar and CheckRedirect are kept. WithHTTPClient and
// WithTransport replace each other.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return optionError("WithHTTPClient", "client is nil")
		}
		c.httpClient, c.transport = hc, nil
		return nil
	}
}

// WithTransport sends through rt, the base of the Client's transport
// stack. It is how tests plug in a recorder.
func WithTransport(rt http.RoundTripper) Option {
	return func(c *config) error {
		if rt == nil {
			return optionError("WithTransport", "transport is nil")
		}
		c.transport, c.httpClient = rt, nil
		return nil
	}
}

// WithRate limits the Client to perSecond requests a second with bursts
// of up to burst, counting every attempt, retries included. perSecond 0
// (or math.Inf(1)) means no limit of the Client's own, and burst is then
// not used; this is the default. Whatever its own rate, the Client keeps
// within what the server's inin-ratelimit headers allow. A negative or
// NaN perSecond, or a burst under 1 with a limit, is an error.
func WithRate(perSecond float64, burst int) Option {
	return func(c *config) error {
		switch {
		case math.IsNaN(perSecond) || perSecond < 0:
			return optionError("WithRate", "perSecond is %v; give a positive rate, or 0 for no limit", perSecond)
		case perSecond == 0 || math.IsInf(perSecond, 1):
			c.rate, c.burst = math.Inf(1), 1
			return nil
		case burst < 1:
			return optionError("WithRate", "burst is %d; give 1 or more with a rate of %v a second", burst, perSecond)
		}
		c.rate, c.burst = perSecond, burst
		return nil
	}
}

// WithRetry sets how calls are retried: at most p.Attempts tries in all
// (1 turns retrying off); between them a jittered exponential backoff from
// p.MinWait up to p.MaxWait, or the server's Retry-After, honoured up to
// p.MaxRetryAfter. A zero field keeps that field of DefaultRetryPolicy.
// Transport errors, 429 and 5xx answers (but 501) are retried; creating a
// request is safe to retry because it carries an idempotency key.
func WithRetry(p RetryPolicy) Option {
	return func(c *config) error {
		p = p.Or(DefaultRetryPolicy())
		if err := p.Validate(); err != nil {
			return fmt.Errorf("gdpr: WithRetry: %w", err)
		}
		c.retry = p
		return nil
	}
}

// WithLogger logs each attempt (method, path, status, attempt number) at
// Debug, and each retry with its wait at Info. It never logs query strings,
// bodies, subject fields, tokens or secrets. Without it the Client logs
// nothing.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return optionError("WithLogger", "logger is nil")
		}
		c.logger = l
		return nil
	}
}

// WithUserAgent sets the User-Agent header of every request.
func WithUserAgent(s string) Option {
	return func(c *config) error {
		if s == "" || strings.ContainsAny(s, "\r\n") {
			return optionError("WithUserAgent", "user agent must be one non-empty line")
		}
		c.userAgent = s
		return nil
	}
}

// WithPolling sets how Client.Wait paces its polls of one request: the
// first after min, then doubling up to max (defaults DefaultPollMin and
// DefaultPollMax). It is not processor.WithStorePoll, which is how often a
// processor's idle workers look in their store for work.
func WithPolling(min, max time.Duration) Option {
	return func(c *config) error {
		if min <= 0 || max < min {
			return optionError("WithPolling", "min is %s and max %s; give 0 < min <= max", min, max)
		}
		c.pollMin, c.pollMax = min, max
		return nil
	}
}

// withClock replaces the clock; for tests.
func withClock(k clock) Option {
	return func(c *config) error {
		if k == nil {
			return errors.New("gdpr: withClock: clock is nil")
		}
		c.clock = k
		return nil
	}
}
