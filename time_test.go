package gdpr_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
)

func TestTimeMarshalsWithMilliseconds(t *testing.T) {
	t.Parallel()
	tm := gdpr.NewTime(time.Date(2026, 11, 29, 14, 26, 27, 5_600_000, time.FixedZone("CET", 3600)))
	b, err := json.Marshal(tm)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `"2026-11-29T13:26:27.005Z"`; got != want {
		t.Fatalf("marshal = %s, want %s", got, want)
	}
	b, _ = json.Marshal(struct {
		T gdpr.Time `json:"t,omitzero"`
	}{})
	if string(b) != `{}` {
		t.Fatalf("zero time with omitzero = %s, want {}", b)
	}
}

func TestTimeParsesEveryISOForm(t *testing.T) {
	t.Parallel()
	want := time.Date(2026, 11, 29, 13, 26, 27, 0, time.UTC)
	for _, s := range []string{
		"2026-11-29T13:26:27.000Z",
		"2026-11-29T13:26:27Z",
		"2026-11-29T13:26:27.000000Z",
		"2026-11-29T14:26:27.000+01:00",
		"2026-11-29T14:26:27+0100",
		"2026-11-29T08:26:27-05:00",
		"2026-11-29T13:26:27",
		"2026-11-29T13:26:27.000",
	} {
		var tm gdpr.Time
		if err := json.Unmarshal([]byte(`"`+s+`"`), &tm); err != nil {
			t.Errorf("%s: %v", s, err)
			continue
		}
		if !tm.Equal(want) || tm.Location() != time.UTC {
			t.Errorf("%s parsed as %v, want %v in UTC", s, tm.Time, want)
		}
	}
	var d gdpr.Time
	if err := json.Unmarshal([]byte(`"2026-11-29"`), &d); err != nil || !d.Equal(time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("date only: %v %v", d, err)
	}
	for _, s := range []string{`null`, `""`} {
		tm := gdpr.NewTime(want)
		if err := json.Unmarshal([]byte(s), &tm); err != nil || !tm.IsZero() {
			t.Errorf("%s: %v, %v; want zero", s, tm, err)
		}
	}
	for _, s := range []string{`"yesterday"`, `"2026-13-01T00:00:00Z"`, `12345`, `"29/11/2026"`} {
		var tm gdpr.Time
		if err := json.Unmarshal([]byte(s), &tm); err == nil {
			t.Errorf("%s parsed as %v, want an error", s, tm)
		}
	}
}
