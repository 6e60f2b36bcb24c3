package gdpr

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr/internal/testlog"
)

// Logs show what was called and how it went, never personal data or
// secrets: not the search value, the subject, the body, the token or the
// client secret.
func TestLogsHoldNoPersonalDataOrSecrets(t *testing.T) {
	t.Parallel()
	var buf testlog.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, mux, _, _ := setup(t, WithClientCredentials("zz-client-id", "zz-client-secret-9913"), WithLogger(logger))
	secrets := []string{
		"zz-client-secret-9913", "zz-token-5521", "zebra.person", "zz-subject-name", "zz-updated",
		"searchValue", "4915112345678", "Basic ",
	}
	var tokens int
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		tokens++
		writeJSON(w, 200, map[string]any{"access_token": fmt.Sprintf("zz-token-5521-%d", tokens), "expires_in": 3600})
	})
	first := true
	mux.HandleFunc("/api/v2/gdpr/subjects", func(w http.ResponseWriter, r *http.Request) {
		if first { // a retry and a token refresh, so that they are logged too
			first = false
			writeJSON(w, 401, NewError(401, "bad.credentials", "expired").Body)
			return
		}
		fmt.Fprint(w, `{"entities":[{"name":"zz-subject-name","emailAddresses":["zebra.person@example.com"]}]}`)
	})
	h, _ := handlerSequence(status(503), func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 202, Request{ID: "r1", Subject: Subject{Name: "zz-subject-name"}})
	})
	mux.HandleFunc("/api/v2/gdpr/requests", h)

	ctx := context.Background()
	if _, err := c.SearchSubjects(ctx, KindEmail, "zebra.person@example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SearchSubjects(ctx, KindPhone, "+4915112345678"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateRequest(ctx, RequestSpec{Type: RequestUpdate, Subject: Subject{Name: "zz-subject-name"},
		ReplacementTerms: []ReplacementTerm{{Type: KindName, ExistingValue: "zz-subject-name", UpdatedValue: "zz-updated"}}}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"path=/api/v2/gdpr/subjects", "path=/api/v2/gdpr/requests", "status=503", "status=401", "attempt=2", "wait=", "path=/oauth/token"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("log shows %q:\n%s", s, out)
		}
	}
}
