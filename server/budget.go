package server

import (
	"context"
	"errors"
)

// WaitBudget takes one call from the organization's rate limit (WithRate),
// the one the API's callers of org draw on, waiting until the limit allows
// it; it returns ctx's error if ctx ends first. Other front ends over the
// same service, such as the privacy console, call it before each search
// and create so that they cannot run past the organization's rate. It is
// safe for concurrent use.
func (s *Server) WaitBudget(ctx context.Context, org string) error {
	if org == "" {
		return errors.New("server: WaitBudget: the organization is empty")
	}
	return s.limits.wait(ctx, "org:"+org)
}
