package gdpr

import (
	"errors"
	"fmt"
	"net/http"
)

// Error codes of the wire, by the status they go with.
const (
	CodeBadRequest             = "bad.request"
	CodeInvalidQueryParamValue = "invalid.query.param.value"
	CodeInvalidProperty        = "invalid.property"
	CodeConstraintValidation   = "constraint.validation"
	CodeInvalidValue           = "invalid.value"
	CodeInvalidDate            = "invalid.date"
	CodeAuthenticationRequired = "authentication.required"
	CodeBadCredentials         = "bad.credentials"
	CodeMissingPermissions     = "missing.permissions"
	CodeNotAuthorized          = "not.authorized"
	CodeNotFound               = "not.found"
	CodeRequestConflict        = "request.conflict"
	CodeRequestEntityTooLarge  = "request.entity.too.large"
	CodeUnsupportedMediaType   = "unsupported.media.type"
	CodeTooManyRequestsRetry   = "too.many.requests.retry.after"
	CodeTooManyRequests        = "too.many.requests"
	CodeInternalServerError    = "internal.server.error"
	CodeServiceUnavailable     = "service.unavailable"
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
type APIError struct {
	Body ErrorBody
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

// Status is the HTTP status of the error.
func (e *APIError) Status() int { return e.Body.Status }

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
	msg := fmt.Sprintf("gdpr: %d %s", e.Body.Status, e.Body.Code)
	if e.Body.Message != "" {
		msg += ": " + e.Body.Message
	}
	if e.Body.ContextID != "" {
		msg += " (correlation id " + e.Body.ContextID + ")"
	}
	return msg
}

// Is matches the sentinel for the error's status class.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrBadRequest:
		return e.Body.Status == http.StatusBadRequest
	case ErrUnauthorized:
		return e.Body.Status == http.StatusUnauthorized
	case ErrForbidden:
		return e.Body.Status == http.StatusForbidden
	case ErrNotFound:
		return e.Body.Status == http.StatusNotFound
	case ErrConflict:
		return e.Body.Status == http.StatusConflict
	case ErrTooLarge:
		return e.Body.Status == http.StatusRequestEntityTooLarge
	case ErrRateLimited:
		return e.Body.Status == http.StatusTooManyRequests
	case ErrServer:
		return e.Body.Status >= 500
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
)
