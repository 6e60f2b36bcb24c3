package sqlstore_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/store"
)

// TestSealedChainReadsBack checks that a chain read back from the
// database verifies with store.VerifyChain, which hashes the events
// as read, for fields whose round trip could change a byte: text beyond
// ASCII, empty text, times whose fraction has trailing zeros or none, in
// another zone, before 1970 and far ahead, and sequence numbers of
// several digits.
func TestSealedChainReadsBack(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) {
		s, _ := openSQLite(t)
		testSealedChainReadsBack(t, s)
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		dsn := postgresDSN(t)
		testSealedChainReadsBack(t, openPostgres(t, dsn, testSchema(t, dsn)))
	})
}

func testSealedChainReadsBack(t *testing.T, s store.Store) {
	ctx := t.Context()

	j := newTestJob("req-ü-1")
	j.Org = "org-ß"
	if _, _, err := s.Create(ctx, j, createdEvent(j)); err != nil {
		t.Fatal(err)
	}
	times := []time.Time{
		time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 29, 9, 0, 0, 100_000_000, time.UTC),
		time.Date(2026, 11, 29, 9, 0, 10, 120_000, time.UTC),
		time.Date(2026, 11, 29, 9, 0, 59, 999_999_999, time.UTC), // truncated to the microsecond
		time.Date(1969, 7, 20, 20, 17, 40, 1_000, time.UTC),
		time.Date(2999, 12, 31, 23, 59, 59, 500_000, time.FixedZone("CET", 3600)),
	}
	details := []string{"", "ü détail", "日本語のテキスト", "emoji 🗝️ key", strings.Repeat("long ", 200), "tab\there, newline\nthere"}
	var evs []store.Event
	for i := range 12 {
		evs = append(evs, store.Event{RequestID: j.Request.ID, Time: times[i%len(times)],
			Type: "status", Status: gdpr.StatusSearching, Detail: details[i%len(details)]})
	}
	if err := s.Update(ctx, j, evs...); err != nil {
		t.Fatal(err)
	}
	got, err := s.Events(ctx, j.Org, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 13 {
		t.Fatalf("%d events, want 13", len(got))
	}
	if err := store.VerifyChain(nil, got); err != nil {
		t.Fatalf("the chain read back does not verify: %v", err)
	}
	for i, ev := range got[1:] {
		want := evs[i].Time.UTC().Truncate(time.Microsecond)
		if !ev.Time.Equal(want) || ev.Detail != evs[i].Detail {
			t.Errorf("event %d = %v %q, want %v %q", ev.Seq, ev.Time, ev.Detail, want, evs[i].Detail)
		}
	}
}
