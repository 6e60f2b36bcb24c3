package main

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/server"
	"github.com/gdprkit/gdpr/store/memstore"
)

// TestRequestRetry: an erasure whose crm step fails ends in ERROR (exit 1
// from --wait); gdpr request retry --wait runs it again to COMPLETED;
// retrying a completed request is refused.
func TestRequestRetry(t *testing.T) {
	mems, err := demo.Adapters()
	if err != nil {
		t.Fatal(err)
	}
	var as []adapter.Adapter
	for _, a := range mems {
		if a.Name() == "crm" {
			as = append(as, &testkit.FailAfterChange{Adapter: a})
			continue
		}
		as = append(as, a)
	}
	p, err := processor.New(memstore.New(), as, processor.WithStorePoll(5*time.Millisecond),
		processor.WithRetry(gdpr.RetryPolicy{Attempts: 1, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, p)
	hash, err := server.HashSecretCost("a-long-test-secret", 1000)
	if err != nil {
		t.Fatal(err)
	}
	clients, err := server.NewClients(server.Client{ID: "ops", SecretHash: hash, Organization: "acme", Scope: server.ScopeAll})
	if err != nil {
		t.Fatal(err)
	}
	h, err := server.New(p, clients)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	t.Setenv("GDPR_API_URL", srv.URL)
	t.Setenv("GDPR_API_REGION", "")
	t.Setenv("GDPR_CLIENT_ID", "ops")
	t.Setenv("GDPR_CLIENT_SECRET", "a-long-test-secret")
	t.Setenv("GDPR_TOKEN", "")

	code, out, errOut := runCmd(t, context.Background(), "request", "create", "--wait", "--type", "GDPR_DELETE", "--delete-confirmed",
		"--term", "EMAIL="+demo.AlexMorganSeattleEmail)
	if code != exitFailed || !strings.Contains(out, "ERROR") {
		t.Fatalf("create --wait: exit %d, want 1\n%s%s", code, out, errOut)
	}
	id := strings.Fields(strings.SplitN(out, "\n", 2)[0])[1]
	code, out, errOut = runCmd(t, context.Background(), "request", "retry", id, "--wait")
	if code != exitOK || !strings.Contains(out, "COMPLETED") {
		t.Fatalf("retry --wait: exit %d\n%s%s", code, out, errOut)
	}
	code, _, errOut = runCmd(t, context.Background(), "request", "retry", id)
	if code != exitFailed || !strings.Contains(errOut, "409") {
		t.Errorf("retry of a completed request: exit %d, %s", code, errOut)
	}
}
