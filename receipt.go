package gdpr

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// maxReceipt bounds a receipt's size: one request's events and proofs.
const maxReceipt = 4 << 20

// Receipt returns the receipt of the finished request id, from a server
// that signs its audit log (gdpr serve): a JSON file, free of personal
// data, of the request's account and audit events, with their proofs
// under a signed checkpoint, checked offline with the server's evidence
// public key (package evidence, gdpr receipt verify). A server without
// receipts, or a request not finished, gives an *APIError (404, 409).
func (c *Client) Receipt(ctx context.Context, id string) ([]byte, error) {
	path := "/api/v2/gdpr/requests/" + url.PathEscape(id) + "/receipt"
	resp, err := c.send(ctx, &call{method: http.MethodGet, path: path, accept: "application/json"})
	if err != nil {
		return nil, err
	}
	defer closeBody(resp)
	if err := checkResponse(resp, c.clock.Now()); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxReceipt+1))
	if err != nil {
		return nil, fmt.Errorf("gdpr: receipt of %s: %w", id, err)
	}
	if len(b) > maxReceipt {
		return nil, fmt.Errorf("gdpr: receipt of %s is larger than %d bytes", id, maxReceipt)
	}
	return b, nil
}
