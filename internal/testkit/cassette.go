package testkit

import (
	"context"
	"net"
	"net/http"
	"os"
	"regexp"
	"testing"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"
)

// CassetteHost is the host a client uses in cassette tests, recorded and
// replayed alike, whatever port the live server had.
const CassetteHost = "http://gdpr.test"

// Recording reports whether cassettes are being recorded afresh
// (GDPR_RECORD_CASSETTES=1) rather than replayed.
func Recording() bool { return os.Getenv("GDPR_RECORD_CASSETTES") == "1" }

// Cassette returns a go-vcr recorder, as a client's transport, of
// testdata/cassettes/NAME.yaml: replayed offline, or, when Recording,
// recorded against the server at the address live returns (called only
// then). Credentials are redacted before an interaction is saved, and
// requests match whatever their authorization, user agent and
// idempotency key. It is stopped when t ends.
func Cassette(t testing.TB, name string, live func() string) *recorder.Recorder {
	t.Helper()
	mode := recorder.ModeReplayOnly
	real := http.DefaultTransport
	if Recording() {
		mode = recorder.ModeRecordOnly
		addr := live()
		real = &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}}
	}
	rec, err := recorder.New("testdata/cassettes/"+name,
		recorder.WithMode(mode),
		recorder.WithRealTransport(real),
		recorder.WithSkipRequestLatency(true),
		recorder.WithHook(redact, recorder.BeforeSaveHook),
		recorder.WithMatcher(cassette.NewDefaultMatcher(
			cassette.WithIgnoreAuthorization(),
			cassette.WithIgnoreUserAgent(),
			cassette.WithIgnoreHeaders("Idempotency-Key"),
		)),
	)
	if err != nil {
		t.Fatalf("cassette %s: %v (record it with GDPR_RECORD_CASSETTES=1)", name, err)
	}
	t.Cleanup(func() {
		if err := rec.Stop(); err != nil {
			t.Error(err)
		}
	})
	return rec
}

// tokenInBody is an access token in a token response.
var tokenInBody = regexp.MustCompile(`"access_token":"[^"]*"`)

// redact removes credentials from an interaction before it is saved.
func redact(i *cassette.Interaction) error {
	for _, h := range []string{"Authorization", "Cookie"} {
		if i.Request.Headers.Get(h) != "" {
			i.Request.Headers.Set(h, "REDACTED")
		}
	}
	i.Response.Body = tokenInBody.ReplaceAllString(i.Response.Body, `"access_token":"REDACTED"`)
	i.Response.ContentLength = int64(len(i.Response.Body))
	return nil
}
