package evidence

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gdprkit/gdpr/store"
)

// AccountEvent is the Type of the audit event that records a finished
// request's Account, as its Detail (Account.Detail), in the same change
// as the request's COMPLETED or ERROR: the account is then on the chain,
// under every checkpoint that covers the event, and the request's receipt
// is its events and their inclusion proofs, made from the store when
// asked, with no signature and nothing stored of its own. A processor
// with evidence writes one whenever a request finishes (one per finish: a
// request retried after ERROR has one for each).
const AccountEvent = "account"

// AccountOf returns the account of job, a request that reached COMPLETED
// or ERROR at finished, in the current ReceiptFormat.
func AccountOf(job *store.Job, finished time.Time) Account {
	req := &job.Request
	a := Account{Format: ReceiptFormat, Organization: job.Org, RequestID: req.ID, RequestType: req.RequestType,
		Status: req.Status, Created: req.CreatedDate.Time.UTC(), Due: req.DueDate.Time.UTC(),
		Finished: finished.UTC().Truncate(time.Microsecond), Verification: req.Verification}
	for _, s := range req.Steps {
		a.Steps = append(a.Steps, ReceiptStep{Adapter: s.Adapter, State: s.State, Records: s.Records, Outcome: s.Outcome})
	}
	return a
}

// Detail returns the account as its account event's Detail: its JSON,
// in the form a second encoding of it gives (text that is not UTF-8 is
// written as its replacement once), so that it reads back the same.
func (a Account) Detail() (string, error) {
	b, err := json.Marshal(a)
	if err != nil {
		return "", fmt.Errorf("evidence: account: %w", err)
	}
	if bytes.Contains(b, []byte(replaced)) {
		var again Account
		if err := json.Unmarshal(b, &again); err != nil {
			return "", fmt.Errorf("evidence: account: %w", err)
		}
		if b, err = json.Marshal(again); err != nil {
			return "", fmt.Errorf("evidence: account: %w", err)
		}
	}
	return string(b), nil
}

// accountOf reads the account an account event records, and checks it
// is the account of that event's request, in its canonical form.
func accountOf(ev store.Event) (Account, error) {
	var a Account
	dec := json.NewDecoder(bytes.NewReader([]byte(ev.Detail)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return a, fmt.Errorf("evidence: account event %d is not an account: %w", ev.Seq, err)
	}
	switch again, err := a.Detail(); {
	case err != nil:
		return a, err
	case a.Organization != ev.Org || a.RequestID != ev.RequestID:
		return a, fmt.Errorf("evidence: account event %d of request %s is the account of request %s of %q", ev.Seq, ev.RequestID, a.RequestID, a.Organization)
	case a.Format != ReceiptFormat:
		return a, fmt.Errorf("evidence: account event %d is of format %q, want %q", ev.Seq, a.Format, ReceiptFormat)
	case again != ev.Detail:
		return a, fmt.Errorf("evidence: account event %d is not in its canonical form", ev.Seq)
	}
	return a, nil
}

// lastAccount returns the index in evs, a request's events in Seq order,
// of its last account event, -1 when it has none.
func lastAccount(evs []store.Event) int {
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Type == AccountEvent {
			return i
		}
	}
	return -1
}

// errNoAccount is what a receipt of format /3 says when its last event is
// not its account's.
var errNoAccount = errors.New("evidence: the receipt's last event is not the account event of its account (its summary or events were changed)")
