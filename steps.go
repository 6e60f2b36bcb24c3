package gdpr

// StepState is where one data store's part of a request stands. Beside
// the constants below, the reference engine sets "WAITING"
// (processor.StepWaiting) while the data store does work it accepted in
// its own time; Step.WaitingOn says what.
type StepState string

// Step states.
const (
	StepPending StepState = "PENDING" // not run yet
	StepDone    StepState = "DONE"    // finished; never run again
	StepFailed  StepState = "FAILED"  // failed; retried with backoff
)

// Step is one data store's (adapter's) part of a request.
type Step struct {
	// Adapter names the data store.
	Adapter string `json:"adapter"`
	// State is PENDING, WAITING, DONE or FAILED.
	State StepState `json:"state"`
	// Records is how many records of the subject the data store held.
	Records int `json:"records"`
	// Outcome says what was done with them.
	Outcome *Outcome `json:"outcome,omitempty"`
	// Error is the last failure, kept until the step succeeds.
	Error string `json:"error,omitempty"`
	// Attempts counts runs of the step, the successful one included.
	// Looks at a WAITING step are not attempts.
	Attempts int `json:"attempts"`

	// The fields below say what a WAITING step waits on: work its data
	// store accepted and does in its own time, such as the requests of a
	// remote GDPR API (a hosted erasure may take 14 days). They are kept
	// while a failed step is retried, so that the retry looks at the same
	// remote work, and cleared when the step is DONE.

	// WaitingOn lists the remote ids of the work waited on (remote
	// request ids); empty when the step waits on nothing.
	WaitingOn []string `json:"waitingOn,omitempty"`
	// WaitDetail says, without personal data, where that work stands.
	WaitDetail string `json:"waitDetail,omitempty"`
	// WaitingSince is when the step began to wait.
	WaitingSince Time `json:"waitingSince,omitzero"`
	// NextLook is when the step is looked at again.
	NextLook Time `json:"nextLook,omitzero"`
	// Looks counts the times the step was looked at while it waited.
	Looks int `json:"looks,omitempty"`
}

func (s Step) clone() Step {
	if s.WaitingOn != nil {
		s.WaitingOn = append([]string(nil), s.WaitingOn...)
	}
	if s.Outcome != nil {
		o := *s.Outcome
		o.Retained = append([]Retention(nil), s.Outcome.Retained...)
		if s.Outcome.Retained == nil {
			o.Retained = nil
		}
		s.Outcome = &o
	}
	return s
}

// Outcome counts what a data store did with the subject's records.
type Outcome struct {
	Exported   int `json:"exported,omitempty"`
	Updated    int `json:"updated,omitempty"`
	Deleted    int `json:"deleted,omitempty"`
	Anonymized int `json:"anonymized,omitempty"`
	// Erased counts subjects a remote service erased that does not say
	// whether it deleted or anonymized them (a hosted GDPR API).
	Erased int `json:"erased,omitempty"`
	// Retained lists the records kept by the retention policy, grouped by
	// their legal basis.
	Retained []Retention `json:"retained,omitempty"`
}

// RetainedCount is the number of records kept under any basis.
func (o *Outcome) RetainedCount() int {
	n := 0
	for _, r := range o.Retained {
		n += r.Records
	}
	return n
}

// Retention is a group of records a retention policy kept, and why.
type Retention struct {
	// Basis is the legal basis for keeping the records, e.g. "GDPR Art.
	// 6(1)(f): legitimate interests — current employee's work identity".
	Basis   string `json:"basis"`
	Records int    `json:"records"`
}

// Verification is the result of searching every term of an erased subject
// again across every data store.
type Verification struct {
	// Passed is true when nothing was found but what a policy retained.
	Passed bool `json:"passed"`
	// Date is when the check ran.
	Date Time `json:"date,omitzero"`
	// Retained counts records found again that a policy retained.
	Retained int `json:"retained"`
	// Remaining lists the data stores that still hold records no policy
	// retained.
	Remaining []Remaining `json:"remaining,omitempty"`
}

// Remaining is what one data store still held after erasure.
type Remaining struct {
	Adapter string `json:"adapter"`
	Records int    `json:"records"`
}
