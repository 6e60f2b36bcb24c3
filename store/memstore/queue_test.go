package memstore_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/memstore"
)

// TestClaimModel drives a Store with random creates, claims (with clocks
// that go back as well as forward), updates and renewals, and checks every
// Claim against the job a plain scan of all jobs would hand out.
func TestClaimModel(t *testing.T) {
	ctx := t.Context()
	base := time.Date(2026, time.March, 14, 9, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(1, 2))
	at := func() time.Time { return base.Add(time.Duration(rng.IntN(60)) * time.Minute) }

	s := memstore.New()
	model := map[string]*store.Job{} // what the store should hold
	var ids []string

	claimable := func(j *store.Job, now time.Time) bool {
		return !j.Request.Status.Done() && !j.NextRun.After(now) &&
			(j.LeaseToken == "" || j.LeaseUntil.Before(now))
	}
	want := func(now time.Time) string {
		var best *store.Job
		for _, j := range model {
			if !claimable(j, now) {
				continue
			}
			if best == nil || j.NextRun.Before(best.NextRun) ||
				j.NextRun.Equal(best.NextRun) && j.Request.ID < best.Request.ID {
				best = j
			}
		}
		if best == nil {
			return ""
		}
		return best.Request.ID
	}
	statuses := []gdpr.Status{gdpr.StatusInitiated, gdpr.StatusSearching, gdpr.StatusCompleted, gdpr.StatusError}

	for op := range 6000 {
		switch r := rng.IntN(10); {
		case r < 2 || len(ids) == 0:
			id := fmt.Sprintf("req-%05d", len(ids))
			j := &store.Job{Org: "org", Request: gdpr.Request{ID: id, Status: gdpr.StatusInitiated}, NextRun: at()}
			if _, _, err := s.Create(ctx, j, store.Event{RequestID: id, Time: base}); err != nil {
				t.Fatal(err)
			}
			model[id], ids = j.Clone(), append(ids, id)

		case r < 6:
			now := at()
			token := fmt.Sprintf("token-%d", op)
			until := now.Add(time.Duration(rng.IntN(20)) * time.Minute)
			wantID := want(now)
			j, err := s.Claim(ctx, token, now, until)
			gotID := ""
			if err == nil {
				gotID = j.Request.ID
			} else if !errors.Is(err, store.ErrNoWork) {
				t.Fatal(err)
			}
			if gotID != wantID {
				t.Fatalf("op %d: Claim(now %v) = %q, want %q", op, now.Format(time.Kitchen), gotID, wantID)
			}
			if gotID != "" {
				model[gotID].LeaseToken, model[gotID].LeaseUntil = token, until
			}

		case r < 9:
			j := model[ids[rng.IntN(len(ids))]].Clone()
			j.Request.Status = statuses[rng.IntN(len(statuses))]
			j.NextRun = at()
			if rng.IntN(2) == 0 {
				j.LeaseUntil = time.Time{}
			}
			if err := s.Update(ctx, j); err != nil {
				t.Fatal(err)
			}
			model[j.Request.ID] = j

		default:
			j := model[ids[rng.IntN(len(ids))]]
			until := at()
			err := s.Renew(ctx, j.Org, j.Request.ID, j.LeaseToken, until)
			leased := j.LeaseToken != "" && !j.LeaseUntil.IsZero()
			switch {
			case !leased && !errors.Is(err, store.ErrLeaseLost):
				t.Fatalf("op %d: Renew of an unleased or released job: %v, want ErrLeaseLost", op, err)
			case leased && err != nil:
				t.Fatalf("op %d: Renew: %v", op, err)
			case err == nil:
				j.LeaseUntil = until
			}
		}
	}
}
