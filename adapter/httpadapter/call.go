package httpadapter

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/gdprkit/gdpr"
)

// maxAnswer bounds the JSON answer of a search, resolve, rectify or
// erase; maxErrorAnswer the body of an error answer.
const (
	maxAnswer      = 64 << 20
	maxErrorAnswer = 64 << 10
)

// do runs one call and decodes its JSON answer into out.
func (a *Adapter) do(ctx context.Context, route string, body *callBody, out any) error {
	resp, done, err := a.send(ctx, route, body)
	if err != nil {
		return err
	}
	defer done()
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxAnswer)).Decode(out); err != nil {
		return a.answerError(ctx, route, resp.StatusCode, fmt.Errorf("read the answer: %w", err))
	}
	return nil
}

// send runs one call, with its retries, while holding a slot of the
// concurrency limit. It returns a 2xx response and a function that closes
// it and frees the slot, or an *Error.
func (a *Adapter) send(ctx context.Context, route string, body *callBody) (*http.Response, func(), error) {
	body.Organization = gdpr.OrganizationFromContext(ctx)
	b, err := json.Marshal(body)
	if err != nil {
		return nil, nil, &Error{Adapter: a.name, Op: route, Err: fmt.Errorf("encode the call: %w", err), url: a.shown}
	}
	select {
	case a.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, nil, &Error{Adapter: a.name, Op: route, Err: ctx.Err(), url: a.shown}
	}
	release := func() { <-a.slots }
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodPost, a.base+"/"+route, b)
	if err != nil {
		release()
		return nil, nil, &Error{Adapter: a.name, Op: route, Err: err, url: a.shown}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, "+contentNDJSON)
	resp, err := a.retryClient(route).Do(req)
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		release()
		if cerr := ctx.Err(); cerr != nil {
			err = cerr
		}
		return nil, nil, &Error{Adapter: a.name, Op: route, Err: a.redact(err), url: a.shown}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer release()
		defer resp.Body.Close()
		return nil, nil, a.statusError(route, resp)
	}
	return resp, func() { resp.Body.Close(); release() }, nil
}

// retryClient returns the go-retryablehttp client of one call: every
// call carries an operation id, so every call may be tried again after a
// lost connection, a timeout, a 429 or a 5xx other than 501.
func (a *Adapter) retryClient(route string) *retryablehttp.Client {
	attempt := 0
	return &retryablehttp.Client{
		HTTPClient:   a.hc,
		RetryMax:     a.cfg.retry.Attempts - 1,
		RetryWaitMin: a.cfg.retry.MinWait,
		RetryWaitMax: a.cfg.retry.MaxWait,
		CheckRetry: func(ctx context.Context, resp *http.Response, err error) (bool, error) {
			attempt++
			a.logAttempt(ctx, route, attempt, resp, err)
			if ctx.Err() != nil {
				return false, ctx.Err()
			}
			if err != nil {
				return retryablehttp.DefaultRetryPolicy(ctx, nil, err)
			}
			s := resp.StatusCode
			retry := s == http.StatusTooManyRequests || (s >= 500 && s != http.StatusNotImplemented)
			if retry && (route == routeRectify || route == routeErase) && reportsChanges(resp) {
				// The service changed records, then failed: the counts go
				// back to the processor, which retries the step under a
				// new operation id, counting what was done here.
				return false, nil
			}
			return retry, nil
		},
		Backoff: func(minWait, maxWait time.Duration, n int, _ *http.Response) time.Duration {
			d := minWait
			for i := 0; i < n && d < maxWait; i++ {
				d *= 2
			}
			return min(d, maxWait)
		},
		ErrorHandler: func(resp *http.Response, err error, _ int) (*http.Response, error) {
			return resp, err // the last attempt's answer or error, as it is
		},
	}
}

func (a *Adapter) logAttempt(ctx context.Context, route string, n int, resp *http.Response, err error) {
	l := a.cfg.log
	if l == nil {
		return
	}
	attrs := []slog.Attr{slog.String("adapter", a.name), slog.String("op", route), slog.Int("attempt", n)}
	if err != nil {
		attrs = append(attrs, slog.String("error", a.redact(err).Error()))
	} else {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	}
	l.LogAttrs(ctx, slog.LevelDebug, "httpadapter: attempt", attrs...)
}

// statusError reads an error answer into an *Error.
func (a *Adapter) statusError(route string, resp *http.Response) error {
	e := &Error{Adapter: a.name, Op: route, Status: resp.StatusCode, url: a.shown}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorAnswer))
	var eb errorBody
	if json.Unmarshal(bytes.TrimSpace(data), &eb) == nil && eb.Error.Code != "" {
		e.Code, e.Message = eb.Error.Code, eb.Error.Message
		if eb.Outcome != nil && changed(*eb.Outcome) && (route == routeRectify || route == routeErase) {
			e.outcome = eb.Outcome
		}
	}
	return e
}

// reportsChanges reports whether an error answer carries an outcome of
// records changed. It reads the body (as much as statusError would) and
// puts back what it read, so that the answer can be read again.
func reportsChanges(resp *http.Response) bool {
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorAnswer))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	var eb errorBody
	return json.Unmarshal(bytes.TrimSpace(data), &eb) == nil && eb.Outcome != nil && changed(*eb.Outcome)
}

// answerError is a 2xx answer that could not be read whole.
func (a *Adapter) answerError(ctx context.Context, route string, status int, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		err = cerr
	}
	return &Error{Adapter: a.name, Op: route, Status: status, Err: err, url: a.shown}
}

// redact replaces the URL of a *url.Error by the redacted one, so that no
// password of the base URL reaches a message.
func (a *Adapter) redact(err error) error {
	ue, ok := err.(*url.Error)
	if !ok {
		return err
	}
	r := *ue
	r.URL = strings.Replace(ue.URL, a.base, a.shown, 1)
	return &r
}
