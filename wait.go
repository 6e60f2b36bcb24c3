package gdpr

import (
	"context"
	"fmt"
)

// Wait polls the request with the given id until it is COMPLETED or in
// ERROR, and returns it. It polls at once, then after the intervals of
// WithPolling (1 s doubling up to 30 s by default), calling progress (when
// not nil) with each state it reads.
//
// A request that ends in ERROR is returned with a *RequestFailedError
// (matching ErrRequestFailed). When ctx ends or a poll fails, Wait returns
// the last state read, if any, and the error.
func (c *Client) Wait(ctx context.Context, id string, progress func(*Request)) (*Request, error) {
	delay := c.pollMin
	var last *Request
	for {
		r, err := c.GetRequest(ctx, id)
		if err != nil {
			return last, err
		}
		last = r
		if progress != nil {
			progress(r)
		}
		switch r.Status {
		case StatusCompleted:
			return r, nil
		case StatusError:
			return r, &RequestFailedError{Request: r}
		}
		if err := c.clock.Sleep(ctx, delay); err != nil {
			return r, fmt.Errorf("gdpr: wait for request %s: %w", id, err)
		}
		delay = min(delay*2, c.pollMax)
	}
}
