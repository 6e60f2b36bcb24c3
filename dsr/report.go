package dsr

import (
	"cmp"
	"slices"

	"github.com/gdprkit/gdpr"
)

// Report is where a DSR's requests stand: every request of the plan, as
// last read, what the plan left alone, and a summary. Submit makes it and
// Follow brings it up to date. It marshals to JSON for the DSR's records.
type Report struct {
	DSRID string           `json:"dsrId"`
	Type  gdpr.RequestType `json:"type"`
	// Subjects lists the IDs of the accepted candidates.
	Subjects []string `json:"subjects"`
	// Requests are in the order of the Plan.
	Requests []ReportItem `json:"requests"`
	Skipped  []Skipped    `json:"skipped,omitempty"`
	Summary  Summary      `json:"summary"`
}

// ReportItem is one request of a Report.
type ReportItem struct {
	PlannedRequest
	// RequestID is the id the Service gave the request; "" when it was not
	// created.
	RequestID string `json:"requestId,omitempty"`
	// Status is the request's status as last read.
	Status gdpr.Status `json:"status,omitempty"`
	// DueDate is when the request must be answered.
	DueDate gdpr.Time `json:"dueDate,omitzero"`
	// FinishedDate is when the request reached COMPLETED or ERROR.
	FinishedDate gdpr.Time `json:"finishedDate,omitzero"`
	// Steps is what each data store did: records found, exported,
	// updated, deleted, anonymized or retained with the legal basis.
	Steps []gdpr.Step `json:"steps,omitempty"`
	// Verification is the result of re-searching an erased subject.
	Verification *gdpr.Verification `json:"verification,omitempty"`
	// ResultsURL and ResultsURLs locate a completed export's archive.
	ResultsURL  string   `json:"resultsUrl,omitempty"`
	ResultsURLs []string `json:"resultsUrls,omitempty"`
	// Error says why the request could not be created, failed, or was not
	// followed to its end.
	Error string `json:"error,omitempty"`
}

// Done reports whether the item is final: the request is COMPLETED or in
// ERROR, or could not be created.
func (it *ReportItem) Done() bool {
	return it.Status.Done() || (it.RequestID == "" && it.Error != "")
}

// Request returns what the item knows of its request as a Request: enough
// for Client.DownloadResults.
func (it *ReportItem) Request() *gdpr.Request {
	r := &gdpr.Request{ID: it.RequestID, Status: it.Status, DueDate: it.DueDate, ResultsURL: it.ResultsURL,
		ResultsURLs: it.ResultsURLs, Steps: it.Steps, Verification: it.Verification}
	return r.Clone()
}

func (it *ReportItem) fill(r *gdpr.Request) {
	r = r.Clone()
	it.RequestID, it.Status, it.DueDate = r.ID, r.Status, r.DueDate
	it.Steps, it.Verification = r.Steps, r.Verification
	it.ResultsURL, it.ResultsURLs = r.ResultsURL, r.ResultsURLs
	switch {
	case r.Status == gdpr.StatusCompleted && !r.CompletedDate.IsZero():
		it.FinishedDate = r.CompletedDate
	case r.Status.Done():
		it.FinishedDate = r.ModifiedDate
	}
}

// clone returns a copy of the report that shares no slice with it.
func (r *Report) clone() *Report {
	c := *r
	c.Subjects = slices.Clone(r.Subjects)
	c.Skipped = slices.Clone(r.Skipped)
	c.Requests = slices.Clone(r.Requests)
	for i := range c.Requests {
		it := &c.Requests[i]
		it.Steps = slices.Clone(it.Steps)
		it.ResultsURLs = slices.Clone(it.ResultsURLs)
	}
	c.Summary.Retained = slices.Clone(r.Summary.Retained)
	return &c
}

// Summary totals a Report. Counts of records are summed over the
// requests, so a record that two requests found counts twice.
type Summary struct {
	Subjects int `json:"subjects"`
	Requests int `json:"requests"`
	// Completed, Failed and Unfinished count the requests that are
	// COMPLETED; in ERROR or not created; and neither: still running, or
	// not submitted when Submit was interrupted.
	Completed  int `json:"completed"`
	Failed     int `json:"failed"`
	Unfinished int `json:"unfinished"`
	// Records counts the records the data stores found.
	Records    int `json:"records"`
	Exported   int `json:"exported,omitempty"`
	Updated    int `json:"updated,omitempty"`
	Deleted    int `json:"deleted,omitempty"`
	Anonymized int `json:"anonymized,omitempty"`
	// Erased counts subjects a remote service erased without saying
	// whether it deleted or anonymized them.
	Erased int `json:"erased,omitempty"`
	// Retained groups the records kept by a retention policy by their
	// legal basis.
	Retained []gdpr.Retention `json:"retained,omitempty"`
	// Verified and VerificationFailed count the erasures whose
	// verification passed and failed.
	Verified           int `json:"verified,omitempty"`
	VerificationFailed int `json:"verificationFailed,omitempty"`
	// DueDate is the latest due date of the requests.
	DueDate gdpr.Time `json:"dueDate,omitzero"`
	// FinishedDate is when the last request finished, once all have.
	FinishedDate gdpr.Time `json:"finishedDate,omitzero"`
}

// done counts the report's final items.
func (r *Report) done() int {
	n := 0
	for i := range r.Requests {
		if r.Requests[i].Done() {
			n++
		}
	}
	return n
}

func (r *Report) summarize() {
	s := Summary{Subjects: len(r.Subjects), Requests: len(r.Requests)}
	basis := map[string]int{}
	allDone := true
	for _, it := range r.Requests {
		switch {
		case it.Status == gdpr.StatusCompleted:
			s.Completed++
		case it.Done():
			s.Failed++
		default:
			s.Unfinished++
			allDone = false
		}
		for _, st := range it.Steps {
			s.Records += st.Records
			if o := st.Outcome; o != nil {
				s.Exported += o.Exported
				s.Updated += o.Updated
				s.Deleted += o.Deleted
				s.Anonymized += o.Anonymized
				s.Erased += o.Erased
				for _, ret := range o.Retained {
					basis[ret.Basis] += ret.Records
				}
			}
		}
		if v := it.Verification; v != nil && it.Status.Done() {
			if v.Passed {
				s.Verified++
			} else {
				s.VerificationFailed++
			}
		}
		if it.DueDate.After(s.DueDate.Time) {
			s.DueDate = it.DueDate
		}
		if it.FinishedDate.After(s.FinishedDate.Time) {
			s.FinishedDate = it.FinishedDate
		}
	}
	for b, n := range basis {
		s.Retained = append(s.Retained, gdpr.Retention{Basis: b, Records: n})
	}
	slices.SortFunc(s.Retained, func(a, b gdpr.Retention) int { return cmp.Compare(a.Basis, b.Basis) })
	if !allDone {
		s.FinishedDate = gdpr.Time{}
	}
	r.Summary = s
}
