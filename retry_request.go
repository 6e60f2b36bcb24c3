package gdpr

import (
	"context"
	"net/http"
	"net/url"
)

// RetryRequest runs again the failed steps of a request that ended in
// ERROR (POST /api/v2/gdpr/requests/{requestId}/retry, served by gdpr
// serve; the hosted API has no such route and answers 404). It returns
// the request as it now stands; one that is not in ERROR is an error
// matching ErrConflict.
func (c *Client) RetryRequest(ctx context.Context, id string) (*Request, error) {
	if id == "" {
		return nil, NewFieldError(400, CodeInvalidValue, "requestId", "requestId is required")
	}
	var r Request
	if err := c.do(ctx, &call{method: http.MethodPost, path: requestsPath + "/" + url.PathEscape(id) + "/retry"}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}
