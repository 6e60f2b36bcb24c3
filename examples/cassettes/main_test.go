package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/server"
	"github.com/gdprkit/gdpr/store/memstore"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"
)

// referenceServer is gdprkit's reference server over a little test data,
// used only when the cassette is recorded (GDPR_RECORD_CASSETTES=1).
func referenceServer(t *testing.T) *httptest.Server {
	crm, _ := memadapter.New("crm")
	if err := crm.LoadJSON(strings.NewReader(`{"people":[{"key":"c1","kind":"externalContact",
		"externalContactId":"c-1","name":"Robin Vale","emails":["robin@example.com"]}]}`)); err != nil {
		t.Fatal(err)
	}
	p, _ := processor.New(memstore.New(), []adapter.Adapter{crm}, processor.WithStorePoll(5*time.Millisecond))
	ctx, cancel := context.WithCancel(context.Background())
	go p.Run(ctx)
	t.Cleanup(cancel)
	hash, _ := server.HashSecretCost("test-secret-0123456789", 1000)
	clients, _ := server.NewClients(server.Client{ID: "ops", SecretHash: hash, Organization: "shop", Scope: server.ScopeAll})
	h, err := server.New(p, clients)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

var token = regexp.MustCompile(`"access_token":"[^"]*"`)

func TestEraseByEmail(t *testing.T) {
	mode, real := recorder.ModeReplayOnly, http.DefaultTransport
	if os.Getenv("GDPR_RECORD_CASSETTES") == "1" {
		srv := referenceServer(t)
		mode = recorder.ModeRecordOnly
		real = &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, srv.Listener.Addr().String())
		}}
	}
	rec, err := recorder.New("testdata/erase",
		recorder.WithMode(mode), recorder.WithRealTransport(real), recorder.WithSkipRequestLatency(true),
		recorder.WithMatcher(cassette.NewDefaultMatcher(cassette.WithIgnoreAuthorization(),
			cassette.WithIgnoreUserAgent(), cassette.WithIgnoreHeaders("Idempotency-Key"))),
		recorder.WithHook(func(i *cassette.Interaction) error {
			i.Request.Headers.Del("Authorization")
			i.Response.Body = token.ReplaceAllString(i.Response.Body, `"access_token":"REDACTED"`)
			return nil
		}, recorder.BeforeSaveHook))
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Stop()

	c, err := gdpr.New(gdpr.WithBaseURL("http://dsr.test"), gdpr.WithTransport(rec),
		gdpr.WithClientCredentials("ops", "test-secret-0123456789"),
		gdpr.WithPolling(time.Millisecond, 5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	done, err := eraseByEmail(context.Background(), c, "robin@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if len(done) != 1 || done[0].Status != gdpr.StatusCompleted {
		t.Fatalf("erased %+v", done)
	}
}
