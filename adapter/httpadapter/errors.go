package httpadapter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

// Error is a call to a remote service that failed: the service answered
// with an error, answered something that does not follow the protocol, or
// could not be reached. Its message names the adapter and the operation
// and says what to check; it never holds a term, a record or the secret.
//
// A resolve the service answers 404 not_found matches gdpr.ErrNotFound
// with errors.Is; a 401 matches gdpr.ErrUnauthorized, a 5xx
// gdpr.ErrServer. Unwrap gives the transport's error, a *TimeoutError, or
// the context's error when the caller's context ended.
type Error struct {
	// Adapter is the adapter's name.
	Adapter string
	// Op is the route called: search, resolve, export, rectify, erase or
	// describe.
	Op string
	// Status is the HTTP status of the answer, 0 when none came.
	Status int
	// Code and Message are the service's error body, when it sent one.
	Code, Message string
	// Err is the cause when no answer (or no whole answer) came.
	Err error

	url     string        // the service's base URL, credentials redacted
	outcome *gdpr.Outcome // what a failed rectify or erase changed, or nil
}

// changes returns what the service reported changing before a rectify
// or erase failed, or a zero Outcome when it reported nothing.
func (e *Error) changes() gdpr.Outcome {
	if e.outcome == nil {
		return gdpr.Outcome{}
	}
	return *e.outcome
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "httpadapter: %s: %s: ", e.Adapter, e.Op)
	switch {
	case e.Status != 0 && e.Code != "":
		fmt.Fprintf(&b, "%d %s: %s", e.Status, e.Code, e.Message)
	case e.Status != 0 && e.Err == nil:
		fmt.Fprintf(&b, "%d %s", e.Status, http.StatusText(e.Status))
	case e.Err != nil:
		b.WriteString(e.Err.Error())
	}
	if o := e.outcome; o != nil {
		fmt.Fprintf(&b, ", after changing %d records", o.Updated+o.Deleted+o.Anonymized)
	}
	if h := e.hint(); h != "" {
		b.WriteString(" (")
		b.WriteString(h)
		b.WriteString(")")
	}
	return b.String()
}

// hint says what to check.
func (e *Error) hint() string {
	var te *TimeoutError
	switch {
	case e.Status == http.StatusUnauthorized:
		return "check that the adapter's secret is the service's, and that both clocks are right: the service accepts calls stamped within its window, 5 minutes by default"
	case e.Status == http.StatusNotFound && (e.Code == codeNotFound || e.Code == codeNotDescribed):
		return ""
	case e.Status == http.StatusNotFound || e.Status == http.StatusMethodNotAllowed:
		return "check the adapter's URL, " + e.url + ": the service does not serve the protocol there"
	case e.Status == http.StatusRequestEntityTooLarge:
		return "the call is larger than the service accepts; raise its body limit"
	case e.Status >= 500:
		return "the service failed; its logs say why"
	case e.Status >= 300 && e.Status < 400:
		return "the adapter's URL, " + e.url + ", redirects: give the URL the service serves the protocol at"
	case errors.As(e.Err, &te):
		return "the service at " + e.url + " is slow or stalled; raise the adapter's timeout if it needs longer"
	case e.Err == nil || errors.Is(e.Err, context.Canceled) || errors.Is(e.Err, context.DeadlineExceeded):
		return ""
	case e.Status == 0:
		return "check that the service is up and reachable at " + e.url
	case errors.As(e.Err, new(*json.SyntaxError)) || errors.As(e.Err, new(*json.UnmarshalTypeError)):
		return "check the adapter's URL, " + e.url + ": the answer does not follow the protocol"
	}
	return ""
}

func (e *Error) Unwrap() error { return e.Err }

// Is matches gdpr.ErrNotFound (a resolve of an id the service does not
// hold), gdpr.ErrUnauthorized (401), gdpr.ErrServer (5xx) and
// adapter.ErrNoOrganization (a tenant-scoped service called without an
// organization).
func (e *Error) Is(target error) bool {
	switch target {
	case adapter.ErrNoOrganization:
		return e.Status == http.StatusBadRequest && e.Code == codeNoOrg
	case gdpr.ErrNotFound:
		return e.Status == http.StatusNotFound && e.Code == codeNotFound
	case gdpr.ErrUnauthorized:
		return e.Status == http.StatusUnauthorized
	case gdpr.ErrServer:
		return e.Status >= 500
	}
	return false
}
