package console

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/processor"
)

// remoteExport is a data store whose exports wait on a remote request.
type remoteExport struct{ adapter.Adapter }

func (remoteExport) Export(context.Context, adapter.Op, []gdpr.Term, func(adapter.Record) error) error {
	return &adapter.WaitError{On: []string{"remote-req-4711"}, Detail: "0 of 1 remote requests completed"}
}

// TestWaitingStepShowsWhatItWaitsOn: a parked step shows as WAITING, on
// the remote service, with the remote request it waits on and its next
// look.
func TestWaitingStepShowsWhatItWaitsOn(t *testing.T) {
	t.Parallel()
	mems, err := demo.Adapters()
	if err != nil {
		t.Fatal(err)
	}
	rg := startRig(t, rigConfig{adapters: []adapter.Adapter{mems[0], remoteExport{mems[1]}, mems[2]}})
	ctx := gdpr.ContextWithOrganization(context.Background(), "acme")
	req, err := rg.proc.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestExport,
		Subject: gdpr.Subject{EmailAddresses: []string{demo.AlexMorganLondonEmail}}})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		r, err := rg.proc.GetRequest(ctx, req.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Steps[1].State == processor.StepWaiting {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the step never waited: %+v", r.Steps)
		}
		time.Sleep(10 * time.Millisecond)
	}
	o := rg.officer(t)
	o.mustSignIn(opsID, opsSecret)
	detail := o.get(Path + "requests/" + req.ID)
	for _, want := range []string{"step-WAITING", "Waiting on the remote service for 1 request", "<code>remote-req-4711</code>",
		"0 of 1 remote requests completed", "next look"} {
		if !strings.Contains(detail.body, want) {
			t.Errorf("the page of a request with a waiting step lacks %q", want)
		}
	}
}
