package gdpr

// RequestType is the kind of a GDPR request.
type RequestType string

// The request types of the wire enum.
const (
	// RequestExport answers Article 15 (access): the subject's data is
	// packaged into an archive behind the request's resultsUrl.
	RequestExport RequestType = "GDPR_EXPORT"
	// RequestUpdate answers Article 16 (rectification): each replacement
	// term replaces its existing value wherever the subject's data holds it.
	RequestUpdate RequestType = "GDPR_UPDATE"
	// RequestDelete answers Article 17 (erasure): each data store deletes
	// or anonymizes the subject's data, and the erasure is verified.
	RequestDelete RequestType = "GDPR_DELETE"
)

// RequestTypes lists every valid RequestType in wire order.
func RequestTypes() []RequestType {
	return []RequestType{RequestExport, RequestUpdate, RequestDelete}
}

// Validate returns an error naming the allowed values when t is not
// one of them.
func (t RequestType) Validate() error { return checkEnum("requestType", t, RequestTypes()) }

// Status is where a request is in its processing.
type Status string

// The statuses of the wire enum. A request moves INITIATED → SEARCHING →
// (UPDATING | DELETING) → FINALIZING → COMPLETED; an export goes from
// SEARCHING straight to FINALIZING. ERROR ends a request whose retries are
// spent; it may be retried later. A reader polling a request may not see
// every state: the reference engine saves FINALIZING with the outcome, so
// it shows in the audit log while a poll sees the request go straight to
// COMPLETED.
const (
	StatusInitiated  Status = "INITIATED"
	StatusSearching  Status = "SEARCHING"
	StatusUpdating   Status = "UPDATING"
	StatusDeleting   Status = "DELETING"
	StatusFinalizing Status = "FINALIZING"
	StatusCompleted  Status = "COMPLETED"
	StatusError      Status = "ERROR"
)

// Statuses lists every valid Status in wire order.
func Statuses() []Status {
	return []Status{StatusInitiated, StatusSearching, StatusUpdating, StatusDeleting,
		StatusFinalizing, StatusCompleted, StatusError}
}

// Validate returns an error naming the allowed values when s is not
// one of them.
func (s Status) Validate() error { return checkEnum("status", s, Statuses()) }

// Done reports whether s is final: COMPLETED or ERROR.
func (s Status) Done() bool { return s == StatusCompleted || s == StatusError }

// Request is a GDPR request (GDPRRequest on the wire). The fields after
// SelfURI are additions of the reference engine: clients of the hosted API
// never see them set.
type Request struct {
	ID               string            `json:"id,omitempty"`
	Name             string            `json:"name,omitempty"`
	CreatedBy        *DomainEntityRef  `json:"createdBy,omitempty"`
	ReplacementTerms []ReplacementTerm `json:"replacementTerms,omitempty"`
	RequestType      RequestType       `json:"requestType"`
	CreatedDate      Time              `json:"createdDate,omitzero"`
	Status           Status            `json:"status,omitempty"`
	Subject          Subject           `json:"subject"`
	ResultsURL       string            `json:"resultsUrl,omitempty"`
	ResultsURLs      []string          `json:"resultsUrls,omitempty"`
	SelfURI          string            `json:"selfUri,omitempty"`

	// DueDate is when the request must be answered, from the engine's
	// per-type deadline.
	DueDate Time `json:"dueDate,omitzero"`
	// ModifiedDate is when the request last changed.
	ModifiedDate Time `json:"modifiedDate,omitzero"`
	// CompletedDate is when the request reached COMPLETED.
	CompletedDate Time `json:"completedDate,omitzero"`
	// Steps records each data store's part of the request.
	Steps []Step `json:"steps,omitempty"`
	// Verification is the result of re-searching an erased subject.
	Verification *Verification `json:"verification,omitempty"`
}

// Clone returns a deep copy of r.
func (r *Request) Clone() *Request {
	if r == nil {
		return nil
	}
	c := *r
	if r.CreatedBy != nil {
		ref := *r.CreatedBy
		c.CreatedBy = &ref
	}
	c.ReplacementTerms = append([]ReplacementTerm(nil), r.ReplacementTerms...)
	if r.ReplacementTerms == nil {
		c.ReplacementTerms = nil
	}
	c.Subject = r.Subject.Clone()
	c.ResultsURLs = cloneStrings(r.ResultsURLs)
	if r.Steps != nil {
		c.Steps = make([]Step, len(r.Steps))
		for i, s := range r.Steps {
			c.Steps[i] = s.clone()
		}
	}
	if r.Verification != nil {
		v := *r.Verification
		v.Remaining = append([]Remaining(nil), r.Verification.Remaining...)
		c.Verification = &v
	}
	return &c
}

// ReplacementTerm replaces ExistingValue by UpdatedValue in a GDPR_UPDATE
// request. Type is one of the search types.
type ReplacementTerm struct {
	Type          Kind   `json:"type"`
	ExistingValue string `json:"existingValue"`
	UpdatedValue  string `json:"updatedValue"`
}

// DomainEntityRef names an entity of the API.
type DomainEntityRef struct {
	ID      string `json:"id,omitempty"`
	Name    string `json:"name,omitempty"`
	SelfURI string `json:"selfUri,omitempty"`
}

// RequestEntityListing is one page of requests.
type RequestEntityListing struct {
	Entities    []Request `json:"entities"`
	PageSize    int       `json:"pageSize"`
	PageNumber  int       `json:"pageNumber"`
	Total       int64     `json:"total"`
	FirstURI    string    `json:"firstUri,omitempty"`
	NextURI     string    `json:"nextUri,omitempty"`
	PreviousURI string    `json:"previousUri,omitempty"`
	LastURI     string    `json:"lastUri,omitempty"`
	SelfURI     string    `json:"selfUri,omitempty"`
	PageCount   int       `json:"pageCount"`
}
