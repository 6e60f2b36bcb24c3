package dsr_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/dsr"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/processor"
)

// demoProcessor is an embedded processor over the demo data, its workers
// running for the test.
func demoProcessor(t *testing.T) *processor.Processor {
	t.Helper()
	p, err := demo.Processor(processor.WithStorePoll(5 * time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return p
}

// fast follows requests as tests want: every few milliseconds.
var fast = dsr.FollowOptions{PollInterval: 5 * time.Millisecond}

func resolve(t *testing.T, svc gdpr.Service, ids dsr.Identifiers) *dsr.Resolution {
	t.Helper()
	res, err := dsr.Resolve(context.Background(), svc, ids)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// fulfil plans, submits and follows, as gdpr dsar does.
func fulfil(ctx context.Context, svc gdpr.Service, res *dsr.Resolution, typ gdpr.RequestType, opts dsr.Options, follow dsr.FollowOptions) (*dsr.Report, error) {
	plan, err := res.Plan(typ, opts)
	if err != nil {
		return nil, err
	}
	rep, err := dsr.Submit(ctx, svc, plan)
	if err != nil {
		return rep, err
	}
	return dsr.Follow(ctx, svc, rep, follow)
}

// verdicts maps candidate ids to "VERDICT KIND+KIND".
func verdicts(res *dsr.Resolution) map[string]string {
	m := map[string]string{}
	for _, c := range res.Candidates {
		var kinds []string
		for _, id := range c.Matched {
			kinds = append(kinds, string(id.Kind))
		}
		m[c.ID] = string(c.Verdict) + " " + strings.Join(kinds, "+")
	}
	return m
}

func totalRequests(t *testing.T, svc gdpr.Service) int64 {
	t.Helper()
	l, err := svc.ListRequests(context.Background(), gdpr.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return l.Total
}
