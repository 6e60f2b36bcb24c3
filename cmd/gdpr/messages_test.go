package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr/store/memstore"
)

func TestClientsFileMessages(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{"", "is empty; it holds {\"clients\": ["},
		{"{\"clients\": [\n  {\"id\": \"ops\" \"secretHash\": \"x\"}\n]}", ":2:16: invalid character '\"' after object key:value pair; fix the JSON there"},
		{"{\"clients\": [", "ends early: a bracket or brace is not closed"},
	} {
		path := filepath.Join(t.TempDir(), "clients.json")
		if err := os.WriteFile(path, []byte(c.body), 0o600); err != nil {
			t.Fatal(err)
		}
		code, _, errOut := runCmd(t, context.Background(), "serve", "--clients", path, "--demo", "--store", "memory")
		if code != exitUsage || !strings.Contains(errOut, c.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%q: exit %d, stderr %q, want it to hold %q on one line", c.body, code, errOut, c.want)
		}
	}
}

func TestOneLineMessages(t *testing.T) {
	t.Setenv("GDPR_API_URL", "")
	t.Setenv("GDPR_API_REGION", "")
	code, _, errOut := runCmd(t, context.Background(), "inventory")
	if code != exitUsage || !strings.Contains(errOut, "--demo") || !strings.Contains(errOut, "--adapters") {
		t.Errorf("bare inventory: exit %d, %q", code, errOut)
	}
	if got := commandWords("send it again with deleteConfirmed=true"); got != "send it again with --delete-confirmed" {
		t.Errorf("commandWords: %q", got)
	}
	for n, want := range map[int]string{0: "0 subjects", 1: "1 subject", 2: "2 subjects"} {
		if got := count(n, "subject"); got != want {
			t.Errorf("count(%d) = %q", n, got)
		}
	}
	if got := foundAgainText(0); got != "nothing found again" {
		t.Errorf("foundAgainText(0) = %q", got)
	}
}

func TestReadyz(t *testing.T) {
	st := memstore.New()
	h := withReadiness(http.NotFoundHandler(), st)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"status":"ready"`) {
		t.Errorf("ready store: %d %s", rec.Code, rec.Body)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil).WithContext(ctx))
	if rec.Code != 503 || !strings.Contains(rec.Body.String(), `"failed":"store"`) {
		t.Errorf("failing store: %d %s", rec.Code, rec.Body)
	}
}
