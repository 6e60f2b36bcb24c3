package httpadapter

import (
	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

// The routes of the protocol, one per Adapter operation, and describe
// for adapter.Describer. A service serves
// them under a base URL of its choosing; the signature covers the route
// alone, so gateways may add or strip prefixes.
const (
	routeSearch   = "search"
	routeResolve  = "resolve"
	routeExport   = "export"
	routeRectify  = "rectify"
	routeErase    = "erase"
	routeDescribe = "describe"
)

// The phases of an erase call.
const (
	phaseCandidates = "candidates"
	phaseApply      = "apply"
)

// Error codes of the protocol's error body.
const (
	codeBadRequest   = "bad_request"
	codeUnauthorized = "unauthorized"
	codeNoRoute      = "no_route"
	codeNotFound     = "not_found"
	codeMethod       = "method_not_allowed"
	codeTooLarge     = "too_large"
	codeUndecided    = "undecided"
	codeNotDescribed = "not_described"
	codeNoOrg        = "no_organization"
	codeInternal     = "internal"
	codeBusy         = "busy"
)

// Headers of a signed call.
const (
	headerTimestamp = "Gdpr-Timestamp"
	headerSignature = "Gdpr-Signature"
	// The headers of a signature over the headers (PROTOCOL.md,
	// Authentication): a service checks it before it reads the body.
	headerNonce       = "Gdpr-Nonce"
	headerDigest      = "Gdpr-Content-Sha256"
	headerSignatureV2 = "Gdpr-Signature-V2"
)

// contentNDJSON is the media type of export and candidate streams.
const contentNDJSON = "application/x-ndjson"

// callBody is the JSON body of every call. Fields an operation does not
// use are omitted.
type callBody struct {
	// Organization is the organization the call acts for (the one on the
	// caller's context); the signature covers it with the rest of the
	// body.
	Organization string       `json:"organization,omitempty"`
	RequestID    string       `json:"requestId,omitempty"`
	OperationID  string       `json:"operationId"`
	Term         *gdpr.Term   `json:"term,omitempty"`
	Terms        []gdpr.Term  `json:"terms,omitempty"`
	Changes      []wireChange `json:"changes,omitempty"`
	Phase        string       `json:"phase,omitempty"`
	Decisions    []decision   `json:"decisions,omitempty"`
}

// wireChange is a adapter.Change on the wire.
type wireChange struct {
	Kind     gdpr.Kind `json:"kind"`
	Existing string    `json:"existing"`
	Updated  string    `json:"updated"`
}

// decision is the retention policy's answer about one candidate record
// of an erasure. Version echoes the candidate's version, so that the
// service can tell a decision made on content that has since changed; it
// is empty when the candidates stream carried none.
type decision struct {
	Kind    string `json:"kind"`
	ID      string `json:"id"`
	Version string `json:"version,omitempty"`
	Retain  bool   `json:"retain"`
	Basis   string `json:"basis,omitempty"`
}

// recordKey identifies a record within a service.
type recordKey struct{ kind, id string }

type searchAnswer struct {
	Subjects []gdpr.Subject `json:"subjects"`
}

type resolveAnswer struct {
	Subject gdpr.Subject `json:"subject"`
}

type outcomeAnswer struct {
	Outcome gdpr.Outcome `json:"outcome"`
}

// streamLine is one line of an export or candidates stream: exactly one
// of Record, End and Error is set. A stream ends with an end or an error
// line. In a candidates stream, Version is set beside each record.
type streamLine struct {
	Record  *adapter.Record `json:"record,omitempty"`
	Version string          `json:"version,omitempty"`
	End     *streamEnd      `json:"end,omitempty"`
	Error   *errorDetail    `json:"error,omitempty"`
}

type streamEnd struct {
	Records int `json:"records"`
}

// errorBody is the body of every answer that is not 2xx. Outcome is set
// on a failed rectify or erase apply that changed records before failing.
type errorBody struct {
	Error   errorDetail   `json:"error"`
	Outcome *gdpr.Outcome `json:"outcome,omitempty"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}
