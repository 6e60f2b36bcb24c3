package gdpr

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// The routes of the API.
const (
	subjectsPath = "/api/v2/gdpr/subjects"
	requestsPath = "/api/v2/gdpr/requests"
)

// SearchSubjects returns the subjects whose data matches value taken as a
// term of type t (GET /api/v2/gdpr/subjects). No match is an empty slice.
// The search value is personal data: it is sent only in the query string,
// which the Client never logs nor puts in its errors.
func (c *Client) SearchSubjects(ctx context.Context, t Kind, value string) ([]Subject, error) {
	q := "searchType=" + url.QueryEscape(string(t)) + "&searchValue=" + url.QueryEscape(value)
	var l SubjectEntityListing
	if err := c.do(ctx, &call{method: http.MethodGet, path: subjectsPath, query: q}, &l); err != nil {
		return nil, err
	}
	if l.Entities == nil {
		l.Entities = []Subject{}
	}
	return l.Entities, nil
}

// requestBody is the GDPRRequest a POST sends.
type requestBody struct {
	Name             string            `json:"name,omitempty"`
	RequestType      RequestType       `json:"requestType"`
	Subject          Subject           `json:"subject"`
	ReplacementTerms []ReplacementTerm `json:"replacementTerms,omitempty"`
}

// CreateRequest asks for a request (POST /api/v2/gdpr/requests) and
// returns it as accepted, 200 or 202, usually at INITIATED.
//
// Every call carries an Idempotency-Key: spec.IdempotencyKey, or one made
// for this call, so that its retries never create a second request. To
// repeat a call that failed after the server may have accepted it, make
// the key yourself (any unique text, such as crypto/rand.Text()) and pass
// the same spec and key again.
func (c *Client) CreateRequest(ctx context.Context, spec RequestSpec) (*Request, error) {
	body, err := json.Marshal(requestBody{
		Name: spec.Name, RequestType: spec.Type, Subject: spec.Subject, ReplacementTerms: spec.ReplacementTerms,
	})
	if err != nil {
		return nil, fmt.Errorf("gdpr: create request: %w", err)
	}
	key := spec.IdempotencyKey
	if key == "" {
		key = rand.Text() // 128 bits from crypto/rand
	}
	cl := &call{
		method:  http.MethodPost,
		path:    requestsPath,
		query:   "deleteConfirmed=" + strconv.FormatBool(spec.DeleteConfirmed),
		body:    body,
		idemKey: key,
	}
	var r Request
	if err := c.do(ctx, cl, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// GetRequest returns the request with the given id (GET
// /api/v2/gdpr/requests/{requestId}), or an error matching ErrNotFound.
func (c *Client) GetRequest(ctx context.Context, id string) (*Request, error) {
	if id == "" {
		return nil, NewFieldError(400, CodeInvalidValue, "requestId", "requestId is required")
	}
	var r Request
	if err := c.do(ctx, &call{method: http.MethodGet, path: requestsPath + "/" + url.PathEscape(id)}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// ListRequests returns one page of requests (GET /api/v2/gdpr/requests).
// Zero fields of opts are left to the server's defaults (page size 25,
// page 1). Requests iterates over every page.
func (c *Client) ListRequests(ctx context.Context, opts ListOptions) (*RequestEntityListing, error) {
	q := url.Values{}
	if opts.PageSize != 0 {
		q.Set("pageSize", strconv.Itoa(opts.PageSize))
	}
	if opts.PageNumber != 0 {
		q.Set("pageNumber", strconv.Itoa(opts.PageNumber))
	}
	var l RequestEntityListing
	if err := c.do(ctx, &call{method: http.MethodGet, path: requestsPath, query: q.Encode()}, &l); err != nil {
		return nil, err
	}
	return &l, nil
}
