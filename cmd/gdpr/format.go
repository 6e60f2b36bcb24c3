package main

import (
	"fmt"

	"github.com/gdprkit/gdpr"
)

// records counts records in words.
func records(n int) string {
	if n == 1 {
		return "1 record"
	}
	return fmt.Sprintf("%d records", n)
}

// outcomeText lists what a data store did, each part after ", ": exported,
// updated, deleted, anonymized, retained with its basis. Nil is "".
func outcomeText(o *gdpr.Outcome) string {
	if o == nil {
		return ""
	}
	s := ""
	for _, part := range []struct {
		n    int
		what string
	}{{o.Exported, "exported"}, {o.Updated, "updated"}, {o.Deleted, "deleted"}, {o.Anonymized, "anonymized"},
		{o.Erased, "erased by the remote service (it decides delete or anonymize)"}} {
		if part.n > 0 {
			s += fmt.Sprintf(", %d %s", part.n, part.what)
		}
	}
	for _, ret := range o.Retained {
		s += fmt.Sprintf(", %d retained (%s)", ret.Records, ret.Basis)
	}
	return s
}

// stepText says what one data store did for a request.
func stepText(s gdpr.Step) string {
	line := fmt.Sprintf("%s, %s%s", s.State, records(s.Records), outcomeText(s.Outcome))
	if len(s.WaitingOn) > 0 && s.State != gdpr.StepDone {
		line += fmt.Sprintf("; waiting on the remote service for %d requests %v", len(s.WaitingOn), s.WaitingOn)
		if s.WaitDetail != "" {
			line += " (" + s.WaitDetail + ")"
		}
		if !s.NextLook.IsZero() {
			line += ", next look " + s.NextLook.String()
		}
	}
	if s.Error != "" {
		line += fmt.Sprintf("; attempt %d: %s", s.Attempts, s.Error)
	}
	return line
}
