package processor_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store"
)

// exportOf runs one export request of acme to its end and returns its
// last audit event.
func exportOf(ctx context.Context, t *testing.T, p *processor.Processor) store.Event {
	t.Helper()
	req, err := p.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestExport,
		Subject: gdpr.Subject{EmailAddresses: []string{demo.SamRiveraEmail}}})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Drain(t, p)
	evs, err := p.Audit(ctx, req.ID)
	if err != nil || len(evs) == 0 {
		t.Fatalf("Audit: %d events, %v", len(evs), err)
	}
	return evs[len(evs)-1]
}

// With evidence, CheckAudit checks the whole chain and its checkpoints,
// with the copies the sink keeps, then what was added after its mark;
// CheckpointCovering names the first checkpoint that signs an event.
func TestCheckAuditWithEvidence(t *testing.T) {
	k := evidenceKey(t)
	sink := &evidence.FileSink{Path: filepath.Join(t.TempDir(), "checkpoints.jsonl")}
	p, err := demo.Processor(processor.WithEvidence(k, sink))
	if err != nil {
		t.Fatal(err)
	}
	ctx := gdpr.ContextWithOrganization(context.Background(), "acme")
	first := exportOf(ctx, t, p)
	if _, err := p.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	second := exportOf(ctx, t, p)
	if _, err := p.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}

	full, err := p.CheckAudit(ctx, nil)
	if err != nil {
		t.Fatalf("CheckAudit: %v", err)
	}
	if !full.Full || !full.Signed || full.Key != k.Fingerprint() || full.Interval != processor.DefaultCheckpointInterval ||
		full.Events != second.Seq || full.Checkpoints != 2 || full.Covered != second.Seq || full.Mark.Checkpoint.Seq != 2 || full.External != 2 {
		t.Fatalf("the whole check = %+v; want full, signed by %s, %d events, 2 checkpoints covering them, both compared with the sink", full, k.Fingerprint(), second.Seq)
	}

	third := exportOf(ctx, t, p) // not signed
	since, err := p.CheckAudit(ctx, &full.Mark)
	if err != nil {
		t.Fatalf("CheckAudit after the mark: %v", err)
	}
	if since.Full || since.External != 0 || since.Events != third.Seq-second.Seq || since.Checkpoints != 0 || since.Covered != second.Seq ||
		since.UnsignedSince.IsZero() || since.Mark.Event.Seq != third.Seq {
		t.Fatalf("the check after the mark = %+v; want the %d new events, none signed", since, third.Seq-second.Seq)
	}

	for _, c := range []struct {
		seq     int64
		want    int64 // the checkpoint, 0: none
		comment string
	}{
		{1, 1, "the first event"},
		{first.Seq, 1, "the first request's last event"},
		{first.Seq + 1, 2, "the second request's first event"},
		{second.Seq, 2, "the second request's last event"},
		{third.Seq, 0, "an event no checkpoint signs"},
	} {
		st, err := p.CheckpointCovering(ctx, c.seq, 2)
		if c.want == 2 {
			if st1, err := p.CheckpointCovering(ctx, c.seq, 1); err != nil || st1 != nil {
				t.Errorf("CheckpointCovering(%d) up to checkpoint 1, %s = %+v, %v; want none", c.seq, c.comment, st1, err)
			}
		}
		switch {
		case err != nil:
			t.Errorf("CheckpointCovering(%d), %s: %v", c.seq, c.comment, err)
		case c.want == 0 && st != nil:
			t.Errorf("CheckpointCovering(%d), %s = checkpoint %d; want none", c.seq, c.comment, st.Seq)
		case c.want != 0 && (st == nil || st.Seq != c.want || st.Size < c.seq):
			t.Errorf("CheckpointCovering(%d), %s = %+v; want checkpoint %d", c.seq, c.comment, st, c.want)
		}
	}
}

// Without evidence, CheckAudit checks the hash chain and says it is not
// signed; a broken link is an *evidence.Error naming the event.
func TestCheckAuditWithoutEvidence(t *testing.T) {
	p, err := demo.Processor()
	if err != nil {
		t.Fatal(err)
	}
	ctx := gdpr.ContextWithOrganization(context.Background(), "acme")
	last := exportOf(ctx, t, p)
	full, err := p.CheckAudit(ctx, nil)
	if err != nil || full.Signed || full.Key != "" || full.Events != last.Seq || full.Checkpoints != 0 || full.Mark.Event.Seq != last.Seq {
		t.Fatalf("CheckAudit without evidence = %+v, %v; want %d events, unsigned", full, err, last.Seq)
	}
	next := exportOf(ctx, t, p)
	since, err := p.CheckAudit(ctx, &full.Mark)
	if err != nil || since.Full || since.Events != next.Seq-last.Seq {
		t.Fatalf("CheckAudit after the mark = %+v, %v; want the %d new events", since, err, next.Seq-last.Seq)
	}
	altered := since.Mark
	altered.Event.Hash = "0000"
	var ee *evidence.Error
	if _, err := p.CheckAudit(ctx, &altered); !errors.As(err, &ee) || ee.Kind != evidence.KindEdited || ee.Seq != next.Seq {
		t.Fatalf("CheckAudit after a mark the store no longer holds = %v; want an edited event at %d", err, next.Seq)
	}
	if _, err := p.CheckpointCovering(ctx, 1, 1); !errors.Is(err, processor.ErrNoEvidence) {
		t.Errorf("CheckpointCovering without evidence = %v, want ErrNoEvidence", err)
	}
}
