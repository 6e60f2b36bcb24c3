package evidence

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gdprkit/gdpr/store"
)

// A finished request's account is the detail of the audit event that
// finished it: the status event of its move to COMPLETED or ERROR holds
// Account.Detail, the account's JSON, in place of text. The account is
// then on the chain, under every checkpoint that covers the event, and
// the request's receipt is its events and their inclusion proofs, made
// from the store when asked, with no signature and nothing stored of its
// own. A processor with evidence writes it so whenever a request
// finishes (a request retried after ERROR has an account for each
// finish); IsAccount tells such an event.

// accountPrefix begins every account's JSON, and so the detail of every
// event that holds one: the format field, first in Account.
const accountPrefix = `{"format":"gdprkit-receipt/`

// IsAccount reports whether ev is the status event that finished a
// request and holds its account.
func IsAccount(ev store.Event) bool {
	return ev.Type == "status" && ev.Status.Done() && strings.HasPrefix(ev.Detail, accountPrefix)
}

// AccountOf returns the account of job, a request that reached COMPLETED
// or ERROR at finished, in the current ReceiptFormat; reason is why, as
// its status event would say it ("" for none).
func AccountOf(job *store.Job, finished time.Time, reason string) Account {
	req := &job.Request
	a := Account{Format: ReceiptFormat, Organization: job.Org, RequestID: req.ID, RequestType: req.RequestType,
		Status: req.Status, Reason: reason, Created: req.CreatedDate.Time.UTC(), Due: req.DueDate.Time.UTC(),
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

// accountOf reads the account an event holds (IsAccount), and checks it
// is the account of that event's request and status, in its canonical
// form.
func accountOf(ev store.Event) (Account, error) {
	var a Account
	dec := json.NewDecoder(bytes.NewReader([]byte(ev.Detail)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return a, fmt.Errorf("evidence: event %d does not hold an account: %w", ev.Seq, err)
	}
	switch again, err := a.Detail(); {
	case err != nil:
		return a, err
	case a.Organization != ev.Org || a.RequestID != ev.RequestID || a.Status != ev.Status:
		return a, fmt.Errorf("evidence: event %d, %s of request %s, holds the account of request %s of %q, %s", ev.Seq, ev.Status, ev.RequestID, a.RequestID, a.Organization, a.Status)
	case a.Format != ReceiptFormat:
		return a, fmt.Errorf("evidence: the account of event %d is of format %q, want %q", ev.Seq, a.Format, ReceiptFormat)
	case again != ev.Detail:
		return a, fmt.Errorf("evidence: the account of event %d is not in its canonical form", ev.Seq)
	}
	return a, nil
}

// lastAccount returns the index in evs, a request's events in Seq order,
// of the last that holds its account, -1 when none does.
func lastAccount(evs []store.Event) int {
	for i := len(evs) - 1; i >= 0; i-- {
		if IsAccount(evs[i]) {
			return i
		}
	}
	return -1
}

// errNoAccount is what a receipt of format /3 says when its last event
// does not hold its account.
var errNoAccount = errors.New("evidence: the receipt's last event does not hold its account (its summary or events were changed)")
