package processor

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// Request ids are version 7 UUIDs: their text sorts by creation time, to
// the millisecond, whatever their random part.
func TestRequestIDsAreTimeOrdered(t *testing.T) {
	v7 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	t0 := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	prev := ""
	seen := map[string]bool{}
	for i := range 1000 {
		id, err := newRequestID(t0.Add(time.Duration(i) * time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		if !v7.MatchString(id) {
			t.Fatalf("id %q is not a version 7 UUID", id)
		}
		if id <= prev || seen[id] {
			t.Fatalf("id %q of a later millisecond does not sort after %q", id, prev)
		}
		prev, seen[id] = id, true
	}
	// The first 48 bits are the Unix time in milliseconds.
	id, _ := newRequestID(t0)
	if ms := strings.ReplaceAll(id, "-", "")[:12]; ms != "01a24fbb3a80" {
		t.Errorf("id %q begins %s, want the milliseconds of %v (01a24fbb3a80)", id, ms, t0)
	}
}
