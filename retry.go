package gdpr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// retryable reports whether a failed attempt may be tried again: a
// transport error (unless the context is done, or the error is one a
// retry cannot fix), a 429, or a 5xx other than 501.
func retryable(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		var oe *OAuthError
		if errors.As(err, &oe) {
			// A busy token endpoint is worth another try; refused
			// credentials are not.
			s := oe.HTTPStatus
			return s == http.StatusTooManyRequests || (s >= 500 && s != http.StatusNotImplemented), nil
		}
		if errors.Is(err, ErrNoCredentials) {
			return false, nil
		}
		return retryablehttp.DefaultRetryPolicy(ctx, nil, err)
	}
	s := resp.StatusCode
	return s == http.StatusTooManyRequests || (s >= 500 && s != http.StatusNotImplemented), nil
}

// wait returns how long to wait before retry n+1 (n counts from 0) after
// resp: its Retry-After (429 and 503), capped at MaxRetryAfter, else a
// jittered exponential backoff between MinWait and MaxWait.
func (p RetryPolicy) wait(n int, resp *http.Response, now time.Time) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), now); ok {
			return min(d, p.MaxRetryAfter)
		}
	}
	d := p.MinWait
	for i := 0; i < n && d < p.MaxWait; i++ {
		d *= 2
	}
	d = min(d, p.MaxWait)
	if d <= 1 {
		return d
	}
	// Equal jitter: between half the backoff and all of it.
	return d/2 + rand.N(d/2+1)
}

// parseRetryAfter reads a Retry-After value: seconds, or an HTTP-date
// (a date in the past is no wait).
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		const maxSeconds = int64(1<<63-1) / int64(time.Second)
		return time.Duration(min(n, maxSeconds)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// attempts is the state of one logical call across its attempts.
type attempts struct {
	c       *Client
	method  string
	path    string // without query: the only part of the URL logged
	retry   bool   // whether failures of this call may be retried at all
	n       int    // attempts made
	wait    time.Duration
	aborted bool  // the wait before a retry was cut short by the context
	buffer  bool  // read a successful response's body whole, within the attempt
	bodyErr error // the body of the last attempt's response broke off
}

// retryClient returns the go-retryablehttp client that runs one logical
// call. Its waits go through the Client's clock and select on the
// request's context.
func (a *attempts) retryClient() *retryablehttp.Client {
	c := a.c
	return &retryablehttp.Client{
		HTTPClient: c.hc,
		RetryMax:   c.retry.Attempts - 1,
		CheckRetry: func(ctx context.Context, resp *http.Response, err error) (bool, error) {
			a.n++
			a.bodyErr = nil
			if err == nil && a.buffer {
				// A body cut short fails the attempt like a dropped
				// connection, rather than reaching the decoder.
				a.bodyErr = readBody(resp)
				err = a.bodyErr
			}
			a.logAttempt(ctx, resp, err)
			if !a.retry && ctx.Err() == nil {
				return false, a.bodyErr
			}
			return retryable(ctx, resp, err)
		},
		Backoff: func(_, _ time.Duration, n int, resp *http.Response) time.Duration {
			a.wait = c.retry.wait(n, resp, c.clock.Now())
			if c.log != nil {
				c.log.LogAttrs(context.Background(), slog.LevelInfo, "gdpr: retrying",
					slog.String("method", a.method), slog.String("path", a.path),
					slog.Int("attempt", a.n), slog.Duration("wait", a.wait))
			}
			return 0 // the wait happens in PrepareRetry, on the clock
		},
		PrepareRetry: func(req *http.Request) error {
			if err := c.clock.Sleep(req.Context(), a.wait); err != nil {
				a.aborted = true
				return err
			}
			return nil
		},
		ErrorHandler: func(resp *http.Response, err error, n int) (*http.Response, error) {
			if a.aborted || resp == nil {
				return nil, redactURLError(err)
			}
			if err == nil {
				err = a.bodyErr
			}
			if err != nil {
				closeBody(resp)
				return nil, redactURLError(err)
			}
			// Retries ran out on a bad status: the caller reads its body.
			return resp, nil
		},
	}
}

// readBody reads the body of a 2xx response into memory, so that a body
// that breaks off is an error of its attempt. The body left on resp is a
// *bufferedBody.
func readBody(resp *http.Response) error {
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil
	}
	data, err := readAll(resp.Body, resp.ContentLength)
	resp.Body.Close()
	if err != nil {
		return fmt.Errorf("read response body: %w", err)
	}
	b := &bufferedBody{data: data}
	b.Reset(data)
	resp.Body = b
	return nil
}

// maxPresize is the largest Content-Length readAll allocates for at once.
const maxPresize = 1 << 20

// readAll reads r to its end, as io.ReadAll does, into a buffer sized for
// n bytes when n is known.
func readAll(r io.Reader, n int64) ([]byte, error) {
	if n < 0 || n > maxPresize {
		return io.ReadAll(r)
	}
	b := make([]byte, 0, n+1) // +1: room for the read that sees EOF
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		m, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+m]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// bufferedBody is a response body read whole within its attempt; data is
// all of it, whatever has been read.
type bufferedBody struct {
	bytes.Reader
	data []byte
}

func (*bufferedBody) Close() error { return nil }

func (a *attempts) logAttempt(ctx context.Context, resp *http.Response, err error) {
	l := a.c.log
	if l == nil {
		return
	}
	attrs := []slog.Attr{slog.String("method", a.method), slog.String("path", a.path), slog.Int("attempt", a.n)}
	if err != nil {
		attrs = append(attrs, slog.String("error", redactURLError(err).Error()))
	} else {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	}
	l.LogAttrs(ctx, slog.LevelDebug, "gdpr: attempt", attrs...)
}

// redactURLError returns err with the query string cut from the URL of a
// *url.Error, so that no search value reaches an error message.
func redactURLError(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) || ue != err {
		return err
	}
	r := *ue
	if i := strings.IndexByte(r.URL, '?'); i >= 0 {
		r.URL = r.URL[:i]
	}
	return &r
}
