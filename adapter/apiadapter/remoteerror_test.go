package apiadapter_test

import (
	"context"
	"errors"
	"sort"
	"sync/atomic"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/processor"
)

// failFirst fails its first Erase.
type failFirst struct {
	adapter.Adapter
	calls atomic.Int64
}

func (f *failFirst) Erase(ctx context.Context, op adapter.Op, terms []gdpr.Term, keep adapter.KeepFunc) (gdpr.Outcome, error) {
	if f.calls.Add(1) == 1 {
		return gdpr.Outcome{}, errors.New("disk full")
	}
	return f.Adapter.Erase(ctx, op, terms, keep)
}

// TestRemoteError erases through a remote whose first request ends in
// ERROR: the adapter makes the subject's request again (its next
// generation), and the step completes with the subject erased.
func TestRemoteError(t *testing.T) {
	t.Parallel()
	rem := serveRemote(t, &failFirst{Adapter: testkit.Memory(t, "contacts", demo.Generated("g", 0, 3))}, nil,
		[]processor.Option{processor.WithRetry(gdpr.RetryPolicy{Attempts: 1})}).start(t)
	l := newLocal(t, 3, newAPI(t, rem.client(t)))
	req, err := l.p.CreateRequest(t.Context(), gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
		Subject: gdpr.Subject{EmailAddresses: []string{demo.GeneratedEmail(0)}}})
	if err != nil {
		t.Fatal(err)
	}
	got := l.settle(t, req.ID)
	if s := step(t, got, "genesys"); got.Status != gdpr.StatusCompleted || s.Outcome.Erased != 1 {
		t.Fatalf("status %s, genesys step %+v", got.Status, s)
	}
	rs := rem.requests(t)
	var sts []string
	for _, r := range rs {
		sts = append(sts, string(r.Status))
	}
	sort.Strings(sts)
	if len(rs) != 2 || sts[0] != "COMPLETED" || sts[1] != "ERROR" {
		t.Errorf("remote requests %v, want one in ERROR and the one made again COMPLETED", sts)
	}
}
