package gdpr

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Error codes of the wire that a Service answers with, by the status they
// go with. The HTTP layer's own codes (authentication, body size, content
// type, rate limits, 5xx) are the server's; every code the wire knows is
// listed in its reference. Match errors by class with errors.Is against
// the sentinels below rather than by code.
const (
	CodeBadRequest             = "bad.request"
	CodeInvalidQueryParamValue = "invalid.query.param.value"
	CodeInvalidProperty        = "invalid.property"
	CodeInvalidValue           = "invalid.value"
	CodeNotFound               = "not.found"
	CodeRequestConflict        = "request.conflict"
)

// ErrorBody is the wire body of every error response.
type ErrorBody struct {
	Message           string            `json:"message,omitempty"`
	Code              string            `json:"code,omitempty"`
	Status            int               `json:"status,omitempty"`
	EntityID          string            `json:"entityId,omitempty"`
	EntityName        string            `json:"entityName,omitempty"`
	MessageWithParams string            `json:"messageWithParams,omitempty"`
	MessageParams     map[string]string `json:"messageParams,omitempty"`
	ContextID         string            `json:"contextId,omitempty"`
	Details           []ErrorDetail     `json:"details"`
	Errors            []ErrorBody       `json:"errors"`
	Limit             *Limit            `json:"limit,omitempty"`
}

// ErrorDetail points at one field an error is about.
type ErrorDetail struct {
	ErrorCode  string `json:"errorCode,omitempty"`
	FieldName  string `json:"fieldName,omitempty"`
	EntityID   string `json:"entityId,omitempty"`
	EntityName string `json:"entityName,omitempty"`
}

// Limit names the limit an error reports having been reached.
type Limit struct {
	Key       string `json:"key,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	Value     int64  `json:"value,omitempty"`
}

// APIError is an error answered by a Service: the wire ErrorBody and the
// HTTP status it came with. Match its class with errors.Is against the
// sentinels of this package.
//
// Errors made in process (by the processor, or by the server before it
// writes them) carry only Body. Errors that the Client reads off a
// response also carry the response's HTTP status, its correlation id and,
// when the body was not a JSON ErrorBody, the raw body.
type APIError struct {
	Body ErrorBody

	// HTTPStatus is the status of the response the error came in, or 0
	// for an error made in process.
	HTTPStatus int
	// CorrelationID is the response's ININ-Correlation-Id header, or the
	// body's contextId when the header was missing. Quote it when asking
	// the API's operator about a failure.
	CorrelationID string
	// Raw is the response body, at most 1 MiB of it, when it was not a
	// JSON ErrorBody (a proxy's HTML page, say); nil otherwise.
	Raw []byte
}

// NewError returns an APIError with the status, code and message.
func NewError(status int, code, format string, args ...any) *APIError {
	return &APIError{Body: ErrorBody{
		Status:  status,
		Code:    code,
		Message: fmt.Sprintf(format, args...),
		Details: []ErrorDetail{},
		Errors:  []ErrorBody{},
	}}
}

// NewFieldError is NewError with a detail naming the field the error is
// about.
func NewFieldError(status int, code, field, format string, args ...any) *APIError {
	e := NewError(status, code, format, args...)
	e.Body.Details = []ErrorDetail{{ErrorCode: code, FieldName: field}}
	return e
}

// Status is the HTTP status of the error: the response's when the error
// came in one, else the body's.
func (e *APIError) Status() int {
	if e.HTTPStatus != 0 {
		return e.HTTPStatus
	}
	return e.Body.Status
}

// Code is the wire error code, such as "invalid.property".
func (e *APIError) Code() string { return e.Body.Code }

// Field is the name of the first field the error is about, or "".
func (e *APIError) Field() string {
	for _, d := range e.Body.Details {
		if d.FieldName != "" {
			return d.FieldName
		}
	}
	return ""
}

func (e *APIError) Error() string {
	code := e.Body.Code
	if code == "" {
		code = http.StatusText(e.Status())
	}
	msg := fmt.Sprintf("gdpr: %d %s", e.Status(), code)
	if e.Body.Message != "" {
		msg += ": " + e.Body.Message
	}
	if id := e.correlationID(); id != "" {
		msg += " (correlation id " + id + ")"
	}
	return msg
}

func (e *APIError) correlationID() string {
	if e.CorrelationID != "" {
		return e.CorrelationID
	}
	return e.Body.ContextID
}

// Is matches the sentinel for the error's status class.
func (e *APIError) Is(target error) bool { return statusIs(e.Status(), target) }

func statusIs(status int, target error) bool {
	switch target {
	case ErrBadRequest:
		return status == http.StatusBadRequest
	case ErrUnauthorized:
		return status == http.StatusUnauthorized
	case ErrForbidden:
		return status == http.StatusForbidden
	case ErrNotFound:
		return status == http.StatusNotFound
	case ErrConflict:
		return status == http.StatusConflict
	case ErrTooLarge:
		return status == http.StatusRequestEntityTooLarge
	case ErrRateLimited:
		return status == http.StatusTooManyRequests
	case ErrServer:
		return status >= 500
	case ErrUnavailable:
		return status == http.StatusServiceUnavailable
	}
	return false
}

// Sentinels for errors.Is. An *APIError matches the one of its status.
var (
	ErrBadRequest   = errors.New("gdpr: bad request")
	ErrUnauthorized = errors.New("gdpr: unauthorized")
	ErrForbidden    = errors.New("gdpr: forbidden")
	ErrNotFound     = errors.New("gdpr: not found")
	ErrConflict     = errors.New("gdpr: conflict")
	ErrTooLarge     = errors.New("gdpr: request entity too large")
	ErrRateLimited  = errors.New("gdpr: rate limited")
	ErrServer       = errors.New("gdpr: server error")
	// ErrUnavailable matches a 503 answer, and the failure of a data
	// store behind a Service (an adapter of the reference processor):
	// the caller may retry later. Such an error may name the store with
	// a method DataStore() string, which the server shows to the caller;
	// its Error text is for the log, as it may hold the store's secrets.
	ErrUnavailable = errors.New("gdpr: service unavailable")

	// ErrNoCredentials is returned by a Client made without
	// WithClientCredentials or WithToken, on its first call.
	ErrNoCredentials = errors.New("gdpr: no credentials: use WithClientCredentials or WithToken")
	// ErrRequestFailed matches a *RequestFailedError: a request that
	// ended in ERROR.
	ErrRequestFailed = errors.New("gdpr: request failed")
	// ErrNoResults is returned by DownloadResults for a request without
	// resultsUrl or resultsUrls.
	ErrNoResults = errors.New("gdpr: request has no results")
)

// RateLimitError is a 429 answer: the APIError and how long the server
// asked the caller to wait. It matches ErrRateLimited, and errors.As finds
// the *APIError inside it.
type RateLimitError struct {
	*APIError
	// RetryAfter is the response's Retry-After, in seconds or as an
	// HTTP-date; 0 when it had none.
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	msg := e.APIError.Error()
	if e.RetryAfter > 0 {
		msg += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return msg
}

// Unwrap returns the APIError.
func (e *RateLimitError) Unwrap() error { return e.APIError }

// OAuthError is a failure of the OAuth token endpoint: its HTTP status and
// the OAuth error code and description. A rejected client (400 or 401 with
// invalid_client, unauthorized_client or invalid_grant, or any 401)
// matches ErrUnauthorized; other statuses match their sentinel.
type OAuthError struct {
	HTTPStatus    int
	Code          string // the "error" field, e.g. "invalid_client"
	Description   string // "error_description", or "description"
	CorrelationID string // the ININ-Correlation-Id header, if any
}

func (e *OAuthError) Error() string {
	msg := fmt.Sprintf("gdpr: oauth token: %d", e.HTTPStatus)
	if e.Code != "" {
		msg += " " + e.Code
	}
	if e.Description != "" {
		msg += ": " + e.Description
	}
	if e.CorrelationID != "" {
		msg += " (correlation id " + e.CorrelationID + ")"
	}
	return msg
}

// Is matches the sentinel of the error's status; a rejected client
// matches ErrUnauthorized.
func (e *OAuthError) Is(target error) bool {
	if target == ErrUnauthorized && e.HTTPStatus == http.StatusBadRequest {
		switch e.Code {
		case "invalid_client", "unauthorized_client", "invalid_grant":
			return true
		}
	}
	return statusIs(e.HTTPStatus, target)
}

// RequestFailedError is returned by Client.Wait for a request that ended
// in ERROR. It matches ErrRequestFailed.
type RequestFailedError struct {
	Request *Request
}

func (e *RequestFailedError) Error() string {
	failed := 0
	for _, s := range e.Request.Steps {
		if s.State == StepFailed {
			failed++
		}
	}
	msg := fmt.Sprintf("gdpr: request %s (%s) ended in ERROR", e.Request.ID, e.Request.RequestType)
	if failed > 0 {
		msg += fmt.Sprintf(": %d of %d steps failed", failed, len(e.Request.Steps))
	}
	return msg
}

// Is reports whether target is ErrRequestFailed.
func (e *RequestFailedError) Is(target error) bool { return target == ErrRequestFailed }
