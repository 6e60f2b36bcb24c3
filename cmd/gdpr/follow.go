package main

import (
	"context"
	"fmt"
	"io"

	"github.com/gdprkit/gdpr"
)

// followRequest waits for request id to end, showing its progress on
// stderr, and prints it on stdout. It returns the request's failure (a
// *gdpr.RequestFailedError for ERROR: exit 1), or ctx's error when
// interrupted, after saying that the request carries on on the server
// and how to follow it (exit 130).
func followRequest(ctx context.Context, c *gdpr.Client, id string, stdout, stderr io.Writer, asJSON bool) error {
	return follow(ctx, c, newProgress(stderr, id), id, stdout, stderr, asJSON)
}

// createAndFollow creates the request of spec and follows it as
// followRequest does, showing progress from the moment it asks, so that
// a server slow to accept the request is seen waiting on at once.
func createAndFollow(ctx context.Context, c *gdpr.Client, spec gdpr.RequestSpec, stdout, stderr io.Writer, asJSON bool) error {
	p := newProgress(stderr, "")
	r, err := c.CreateRequest(ctx, spec)
	if err != nil {
		p.stop()
		return err
	}
	p.created(r)
	return follow(ctx, c, p, r.ID, stdout, stderr, asJSON)
}

// follow is followRequest with the progress p already shown.
func follow(ctx context.Context, c *gdpr.Client, p *progress, id string, stdout, stderr io.Writer, asJSON bool) error {
	r, err := c.Wait(ctx, id, p.update)
	p.stop()
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, "interrupted: request %s carries on on the server; follow it with 'gdpr request wait %s'\n", id, id)
		if r != nil {
			printRequest(stdout, r, asJSON)
		}
		return ctx.Err()
	}
	if r != nil {
		if perr := printRequest(stdout, r, asJSON); perr != nil && err == nil {
			err = perr
		}
	}
	return err
}
