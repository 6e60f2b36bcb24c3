package httpadapter

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// attemptTransport signs each attempt of a call, with the time it is
// sent, and bounds it by the timeout: the wait for the answer to begin
// and every pause while it is read.
type attemptTransport struct {
	base    http.RoundTripper
	secret  func() []byte // the key to sign the next attempt with
	timeout time.Duration
	now     func() time.Time
}

// TimeoutError is an attempt of a call that the service did not answer,
// or stopped answering, within the Adapter's timeout. It reports
// Timeout() true, like the net package's timeouts.
type TimeoutError struct {
	// After is the timeout that passed.
	After time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("the service did not answer within the timeout of %v", e.After)
}

// Timeout reports true.
func (e *TimeoutError) Timeout() bool { return true }

// errTimedOut is the cause an attempt's context is cancelled with when
// its timer fires.
var errTimedOut = errors.New("httpadapter: attempt timed out")

func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	ctx, cancel := context.WithCancelCause(req.Context())
	timer := time.AfterFunc(t.timeout, func() { cancel(errTimedOut) })
	r := req.Clone(ctx)
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	route := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	signBoth(r.Header, t.secret(), r.Method, route, t.now(), body)
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		timer.Stop()
		if context.Cause(ctx) == errTimedOut {
			err = &TimeoutError{After: t.timeout}
		}
		cancel(nil)
		return nil, err
	}
	resp.Body = &timedBody{rc: resp.Body, timer: timer, ctx: ctx, cancel: cancel, timeout: t.timeout}
	return resp, nil
}

// timedBody is an answer whose reading times out when it pauses longer
// than the timeout.
type timedBody struct {
	rc      io.ReadCloser
	timer   *time.Timer
	ctx     context.Context
	cancel  context.CancelCauseFunc
	timeout time.Duration
}

func (b *timedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if err != nil && err != io.EOF && context.Cause(b.ctx) == errTimedOut {
		return n, &TimeoutError{After: b.timeout}
	}
	if n > 0 {
		b.timer.Reset(b.timeout)
	}
	return n, err
}

func (b *timedBody) Close() error {
	b.timer.Stop()
	err := b.rc.Close()
	b.cancel(nil)
	return err
}
