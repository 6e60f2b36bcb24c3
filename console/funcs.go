package console

import (
	"encoding/json"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/store"
)

// templateFuncs are the formatting helpers of the templates.
func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"when":        when,
		"typeLabel":   typeLabel,
		"statusClass": func(s gdpr.Status) string { return "status-" + strings.ToLower(string(s)) },
		"records":     records,
		"kinds":       kinds,
		"short":       func(s string) string { return s[:min(len(s), 12)] },
		"add":         func(a, b int) int { return a + b },
		"stamp":       stamp,
		"every":       shortSpan,
		"count":       count,
		"seqs":        seqs,
		"eventDetail": eventDetail,
		"int64":       func(n int) int64 { return int64(n) },
	}
}

// count counts things in words: "1 event", "2 events", "0 checkpoints".
func count(n int64, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// seqs names a run of audit events: "#3", "#3 to #9".
func seqs(first, last int64) string {
	if first == last {
		return fmt.Sprintf("#%d", first)
	}
	return fmt.Sprintf("#%d to #%d", first, last)
}

// stamp writes a time for people to the second, in UTC; "—" when zero.
func stamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// when writes a wire time for people: minutes, in UTC; "—" when zero.
func when(t gdpr.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// typeLabel names a request type with the article it answers.
func typeLabel(t gdpr.RequestType) string {
	switch t {
	case gdpr.RequestExport:
		return "Export (Art. 15)"
	case gdpr.RequestUpdate:
		return "Rectification (Art. 16)"
	case gdpr.RequestDelete:
		return "Erasure (Art. 17)"
	}
	return string(t)
}

// records counts records in words.
func records(n int) string {
	if n == 1 {
		return "1 record"
	}
	return fmt.Sprintf("%d records", n)
}

// kinds lists the kinds of identifiers, "EMAIL + PHONE".
func kinds(ids []gdpr.Term) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = string(id.Kind)
	}
	return strings.Join(parts, " + ")
}

// timeLeft says how long until due, or how long past it: "2d 4h left",
// "overdue by 3h 10m". A final request has no time left: "".
func timeLeft(now time.Time, r *gdpr.Request) (string, bool) {
	if r.Status.Done() || r.DueDate.IsZero() {
		return "", false
	}
	d := r.DueDate.Sub(now)
	if d < 0 {
		return "overdue by " + span(-d), true
	}
	return span(d) + " left", false
}

// span writes a duration in the two largest units that matter.
func span(d time.Duration) string {
	switch {
	case d >= 24*time.Hour:
		return fmt.Sprintf("%dd %dh", d/(24*time.Hour), d%(24*time.Hour)/time.Hour)
	case d >= time.Hour:
		return fmt.Sprintf("%dh %dm", d/time.Hour, d%time.Hour/time.Minute)
	}
	return fmt.Sprintf("%dm", max(d/time.Minute, 1))
}

// shortSpan is span, in seconds under a minute: "40s", "1m", "2h 5m".
func shortSpan(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%ds", max(d/time.Second, 1))
	}
	return span(d)
}

// eventDetail is what the audit table says of an event: its detail, but
// for the event that finished a request holding its account
// (evidence.IsAccount), whose detail is JSON for the receipt, what the
// account says, in words.
func eventDetail(ev store.Event) string {
	if !evidence.IsAccount(ev) {
		return ev.Detail
	}
	var a evidence.Account
	if err := json.Unmarshal([]byte(ev.Detail), &a); err != nil {
		return "the request's account, for its receipt (not readable: run gdpr audit verify)"
	}
	parts := make([]string, 0, len(a.Steps)+2)
	if a.Reason != "" {
		parts = append(parts, a.Reason)
	}
	for _, s := range a.Steps {
		parts = append(parts, fmt.Sprintf("%s %s, %s", s.Adapter, s.State, count(int64(s.Records), "record")))
	}
	if v := a.Verification; v != nil {
		if v.Passed {
			parts = append(parts, "erasure verified")
		} else {
			parts = append(parts, "erasure verification failed")
		}
	}
	return "The request's account, which its receipt proves: " + strings.Join(parts, "; ")
}
