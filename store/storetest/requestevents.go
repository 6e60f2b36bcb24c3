package storetest

import (
	"fmt"
	"testing"

	"github.com/gdprkit/gdpr/store"
)

// testRequestEvents checks store.RequestEventer, for stores that
// implement it: the events of one request of one organization, in Seq
// order, as Events returns them.
func testRequestEvents(t *testing.T, newStore func(*testing.T) store.Store) {
	s := newStore(t)
	re, ok := s.(store.RequestEventer)
	if !ok {
		t.Skipf("%T does not implement store.RequestEventer", s)
	}
	a1, a2 := newJob("org-a", "req-1", 0, 0), newJob("org-a", "req-2", 0, 0)
	b1 := newJob("org-b", "req-1", 0, 0) // the same id in another organization
	for _, j := range []*store.Job{a1, a2, b1} {
		mustCreate(t, s, j)
	}
	mustUpdate(t, s, mustGet(t, s, "org-a", "req-1"), event(a1, "status", 1), event(a1, "step", 2))
	mustUpdate(t, s, mustGet(t, s, "org-a", "req-2"), event(a2, "status", 1))
	mustUpdate(t, s, mustGet(t, s, "org-a", "req-1"), event(a1, "status", 3))

	var want []store.Event
	for _, ev := range allEvents(t, s, "org-a") {
		if ev.RequestID == "req-1" {
			want = append(want, ev)
		}
	}
	got, err := re.RequestEvents(t.Context(), "org-a", "req-1")
	if err != nil {
		t.Fatalf("RequestEvents: %v", err)
	}
	diff(t, "events of org-a's req-1", want, got)
	if len(got) != 4 {
		t.Errorf("org-a's req-1 has %d events, want 4 (created, status, step, status)", len(got))
	}
	none, err := re.RequestEvents(t.Context(), "org-a", "req-missing")
	if err != nil || len(none) != 0 {
		t.Errorf("RequestEvents of a request without events = %v, %v; want none and no error", none, err)
	}
}

// testRequestsEvents checks store.RequestsEventer, for stores that
// implement it: the events of several requests of one organization at
// once, each as RequestEvents returns it, no other organization's.
func testRequestsEvents(t *testing.T, newStore func(*testing.T) store.Store) {
	s := newStore(t)
	re, ok := s.(store.RequestsEventer)
	if !ok {
		t.Skipf("%T does not implement store.RequestsEventer", s)
	}
	one := s.(store.RequestEventer)
	var ids []string
	for i := range 250 { // more than one batch of ids
		id := fmt.Sprintf("req-%03d", i)
		ids = append(ids, id)
		j := newJob("org-a", id, 0, 0)
		mustCreate(t, s, j)
		if i%3 == 0 {
			mustUpdate(t, s, mustGet(t, s, "org-a", id), event(j, "status", 1))
		}
	}
	mustCreate(t, s, newJob("org-b", "req-001", 0, 0)) // the same id in another organization
	got, err := re.RequestsEvents(t.Context(), "org-a", append(ids, "req-missing"))
	if err != nil {
		t.Fatalf("RequestsEvents: %v", err)
	}
	if len(got) != len(ids) {
		t.Errorf("RequestsEvents gave the events of %d requests, want %d (none for req-missing)", len(got), len(ids))
	}
	for _, id := range ids {
		want, err := one.RequestEvents(t.Context(), "org-a", id)
		if err != nil {
			t.Fatal(err)
		}
		diff(t, "events of org-a's "+id, want, got[id])
	}
	none, err := re.RequestsEvents(t.Context(), "org-a", nil)
	if err != nil || len(none) != 0 {
		t.Errorf("RequestsEvents of no ids = %v, %v; want none and no error", none, err)
	}
}
