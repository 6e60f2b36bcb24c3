package dsr_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/dsr"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/processor"
)

// dyingAfterFirstCreate is a Service whose caller dies once the first
// request is created: that create succeeds, then ctx is cancelled, and
// every other create waits for the end and fails with it.
type dyingAfterFirstCreate struct {
	gdpr.Service
	cancel context.CancelFunc
	calls  atomic.Int32
	first  atomic.Value // string: the id of the request created
}

func (s *dyingAfterFirstCreate) CreateRequest(ctx context.Context, spec gdpr.RequestSpec) (*gdpr.Request, error) {
	if s.calls.Add(1) > 1 {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	r, err := s.Service.CreateRequest(ctx, spec)
	if err == nil {
		s.first.Store(r.ID)
	}
	s.cancel() // the operator's laptop dies here
	return r, err
}

func TestSubmitAgainAfterInterruptionCreatesNothingTwice(t *testing.T) {
	t.Parallel()
	p := demoProcessor(t)
	res := resolve(t, p, dsr.Identifiers{Names: []string{demo.AlexMorgan}, Emails: []string{demo.AlexMorganSeattleEmail}})
	plan, err := res.Plan(gdpr.RequestDelete, dsr.Options{DeleteConfirmed: true, DSRID: "ticket-4711"})
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dying := &dyingAfterFirstCreate{Service: p, cancel: cancel}
	rep, err := dsr.Submit(ctx, dying, plan)
	first, _ := dying.first.Load().(string)
	if !errors.Is(err, context.Canceled) || rep == nil || first == "" {
		t.Fatalf("interrupted submit: %v, report %v, first %q", err, rep, first)
	}
	if rep.Summary.Unfinished == 0 {
		t.Errorf("an interrupted report has nothing unfinished: %+v", rep.Summary)
	}
	if n := totalRequests(t, p); n != 1 {
		t.Fatalf("%d requests after the interruption, want 1", n)
	}
	// Following what was submitted says what is missing.
	if _, err := dsr.Follow(context.Background(), p, rep, fast); err == nil || !strings.Contains(err.Error(), "submit the plan again") {
		t.Errorf("follow of a half-submitted plan: %v", err)
	}

	rep, err = fulfil(context.Background(), p, res, gdpr.RequestDelete, dsr.Options{DeleteConfirmed: true, DSRID: "ticket-4711"}, fast)
	if err != nil {
		t.Fatal(err)
	}
	if n := totalRequests(t, p); n != int64(len(rep.Requests)) || n != 2 {
		t.Fatalf("%d requests after the rerun, report has %d, want 2", n, len(rep.Requests))
	}
	if !slices.ContainsFunc(rep.Requests, func(it dsr.ReportItem) bool { return it.RequestID == first }) {
		t.Errorf("rerun made requests %+v, not the first run's %s", rep.Requests, first)
	}
	// Once more, everything done: still nothing new.
	if _, err := fulfil(context.Background(), p, res, gdpr.RequestDelete, dsr.Options{DeleteConfirmed: true, DSRID: "ticket-4711"}, fast); err != nil {
		t.Fatal(err)
	}
	if n := totalRequests(t, p); n != 2 {
		t.Fatalf("%d requests after a third run", n)
	}
}

func TestSubmitReturnsAtOnceAndFollowWaits(t *testing.T) {
	t.Parallel()
	// A processor whose workers do not run: nothing a request asks for
	// happens until they do.
	p, err := demo.Processor(processor.WithStorePoll(5 * time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	res := resolve(t, p, dsr.Identifiers{Emails: []string{demo.SamRiveraEmail}})
	plan, err := res.Plan(gdpr.RequestExport, dsr.Options{DSRID: "ticket-12"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := dsr.Submit(context.Background(), p, plan)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Requests) != 2 || rep.Summary.Unfinished != 2 {
		t.Fatalf("submitted: %+v", rep.Summary)
	}
	for _, it := range rep.Requests {
		if it.RequestID == "" || it.Status != gdpr.StatusInitiated || it.DueDate.IsZero() {
			t.Errorf("submitted request: %+v", it)
		}
	}

	// Follow gives up when ctx ends, with where each request stood.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	stopped, err := dsr.Follow(ctx, p, rep, fast)
	if !errors.Is(err, context.Canceled) || stopped == nil || stopped.Summary.Unfinished != 2 {
		t.Fatalf("follow with an ended context: %v, %+v", err, stopped)
	}

	run, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { p.Run(run); close(done) }()
	defer func() { stop(); <-done }()
	got, err := dsr.Follow(context.Background(), p, rep, fast)
	if err != nil {
		t.Fatal(err)
	}
	if got.Summary.Completed != 2 || got.Summary.Exported == 0 || rep.Summary.Completed != 0 {
		t.Fatalf("followed %+v; submitted report now %+v", got.Summary, rep.Summary)
	}
}

func TestFollowDeleteReportsRetentionAndVerification(t *testing.T) {
	t.Parallel()
	p := demoProcessor(t)
	res := resolve(t, p, dsr.Identifiers{Emails: []string{demo.SamRiveraEmail}})
	if len(res.Confirmed()) != 2 {
		t.Fatalf("verdicts: %v", verdicts(res))
	}
	var progress []gdpr.Status
	follow := fast
	follow.Progress = func(pr dsr.Progress) {
		progress = append(progress, pr.Request.Status)
		if pr.Total != 2 || pr.Done > pr.Total {
			t.Errorf("progress %d of %d", pr.Done, pr.Total)
		}
	}
	rep, err := fulfil(context.Background(), p, res, gdpr.RequestDelete, dsr.Options{DeleteConfirmed: true}, follow)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(progress, gdpr.StatusCompleted) {
		t.Errorf("progress never saw COMPLETED: %v", progress)
	}
	s := rep.Summary
	if s.Completed != 2 || s.Verified != 2 || s.VerificationFailed != 0 {
		t.Fatalf("summary: %+v", s)
	}
	if len(s.Retained) != 1 || s.Retained[0].Basis != processor.EmployeeBasis || s.Retained[0].Records == 0 {
		t.Fatalf("retained: %+v", s.Retained)
	}
	if s.DueDate.IsZero() || s.FinishedDate.IsZero() {
		t.Errorf("dates: %+v", s)
	}
	retainedStep := false
	for _, it := range rep.Requests {
		if it.Verification == nil || !it.Verification.Passed || it.FinishedDate.IsZero() || it.DueDate.IsZero() {
			t.Errorf("request %s: %+v", it.RequestID, it)
		}
		for _, st := range it.Steps {
			if st.Adapter == demo.Directory && st.Outcome != nil && st.Outcome.RetainedCount() > 0 {
				retainedStep = true
			}
		}
	}
	if !retainedStep {
		t.Error("no step shows the directory record retained")
	}

	// The report is JSON for the DSR's records.
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var back dsr.Report
	if err := json.Unmarshal(b, &back); err != nil || back.Summary.Verified != 2 || !strings.Contains(string(b), "legitimate interests") {
		t.Fatalf("round trip: %v\n%s", err, b)
	}
}

func TestSubmitRefusesAPlanItCannotCarryOut(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		plan *dsr.Plan
		want string
	}{
		{nil, "no plan"},
		{&dsr.Plan{DSRID: "x", Type: "GDPR_ERASE"}, "GDPR_ERASE"},
		{&dsr.Plan{DSRID: "x", Type: gdpr.RequestDelete}, "DeleteConfirmed"},
		{&dsr.Plan{DSRID: "x", Type: gdpr.RequestUpdate}, "replacement terms"},
		{&dsr.Plan{Type: gdpr.RequestExport}, "no DSRID"},
	} {
		if _, err := dsr.Submit(ctx, nil, tc.plan); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want an error saying %q", tc.plan, err, tc.want)
		}
	}
	if _, err := dsr.Follow(ctx, nil, &dsr.Report{}, dsr.FollowOptions{PollInterval: -1}); err == nil || !strings.Contains(err.Error(), "PollInterval") {
		t.Errorf("negative poll interval: %v", err)
	}
}
