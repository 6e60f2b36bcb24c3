package gdpr

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// timeLayout is how the wire writes date-times: ISO-8601 in UTC with
// milliseconds, e.g. 2026-11-29T13:26:27.000Z.
const timeLayout = "2006-01-02T15:04:05.000Z"

// Time is a wire date-time. It marshals in UTC with milliseconds
// (2026-11-29T13:26:27.000Z) and parses every ISO-8601 form the API and
// its clients write: any number of fractional digits or none, a "Z",
// "+hh:mm" or "+hhmm" offset or none (taken as UTC), and a plain date. The zero Time marshals as null and is omitted by
// omitzero fields.
type Time struct {
	time.Time
}

// NewTime returns t as a wire Time, in UTC.
func NewTime(t time.Time) Time { return Time{t.UTC()} }

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02",
}

// parseTime parses s in any form Time accepts.
func parseTime(s string) (Time, error) {
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return Time{t.UTC()}, nil
		}
	}
	return Time{}, fmt.Errorf("gdpr: date-time %q is not ISO-8601; write it like %s", s, timeLayout)
}

// String returns t as the wire writes it.
func (t Time) String() string { return t.UTC().Format(timeLayout) }

// MarshalJSON writes t as the wire does, or null when t is zero.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	b := make([]byte, 0, len(timeLayout)+2)
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, timeLayout)
	return append(b, '"'), nil
}

// UnmarshalJSON parses any form Time accepts; null and "" give the
// zero Time.
func (t *Time) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*t = Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("gdpr: date-time must be a string: %w", err)
	}
	if s == "" {
		*t = Time{}
		return nil
	}
	p, err := parseTime(s)
	if err != nil {
		return err
	}
	*t = p
	return nil
}
