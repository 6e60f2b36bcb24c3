package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/dsr"
)

// hostileAPI is a GDPR API whose requests have the given id, and whose
// archives are the bytes "archive".
func hostileAPI(t *testing.T, id string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/results":
			w.Write([]byte("archive"))
		case strings.HasPrefix(r.URL.Path, "/api/v2/gdpr/requests/"):
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(gdpr.Request{ID: id, RequestType: gdpr.RequestExport, Status: gdpr.StatusCompleted,
				ResultsURL: "http://" + r.Host + "/results"})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// A server that returns request ids with "../" in them cannot make gdpr
// dsar --dir write outside its folder, nor replace a file.
func TestDSARDownloadRefusesUnsafeRequestIDs(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "exports")
	victim := filepath.Join(base, "victim.zip")
	if err := os.WriteFile(victim, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"x/../../victim", "../victim", "../../etc/x", "a/b", `..\victim`, ".hidden", "", strings.Repeat("a", 200)} {
		srv := hostileAPI(t, id)
		c, err := gdpr.New(gdpr.WithBaseURL(srv.URL), gdpr.WithToken("t"))
		if err != nil {
			t.Fatal(err)
		}
		rep := &dsr.Report{DSRID: "ticket", Requests: []dsr.ReportItem{{RequestID: id, Status: gdpr.StatusCompleted, ResultsURL: srv.URL + "/results"}}}
		var stderr bytes.Buffer
		err = downloadAll(context.Background(), c, rep, dir, &stderr)
		if err == nil || !strings.Contains(err.Error(), "not a safe file name") {
			t.Errorf("id %q: %v, want a refusal naming the unsafe id", id, err)
		}
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep me" {
		t.Errorf("the file outside the folder was changed: %q", b)
	}
	if entries, _ := os.ReadDir(base); len(entries) != 2 {
		t.Errorf("files beside the folder: %v, want only the folder and the victim", entries)
	}

	// A safe id whose file exists is kept, not replaced; a link planted
	// in the folder is not followed.
	if err := os.WriteFile(filepath.Join(dir, "ticket-1-r1.zip"), []byte("earlier"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(dir, "ticket-1-r2.zip")); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"r1", "r2"} {
		srv := hostileAPI(t, id)
		c, _ := gdpr.New(gdpr.WithBaseURL(srv.URL), gdpr.WithToken("t"))
		rep := &dsr.Report{DSRID: "ticket", Requests: []dsr.ReportItem{{RequestID: id, Status: gdpr.StatusCompleted, ResultsURL: srv.URL + "/results"}}}
		var stderr bytes.Buffer
		if err := downloadAll(context.Background(), c, rep, dir, &stderr); err != nil || !strings.Contains(stderr.String(), "kept") {
			t.Errorf("id %s over an existing file: %v %q, want it kept", id, err, stderr.String())
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "ticket-1-r1.zip")); string(b) != "earlier" {
		t.Errorf("an existing file was replaced: %q", b)
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep me" {
		t.Errorf("a planted link was followed: %q", b)
	}

	srv := hostileAPI(t, "r3")
	c, _ := gdpr.New(gdpr.WithBaseURL(srv.URL), gdpr.WithToken("t"))
	rep := &dsr.Report{DSRID: "ticket", Requests: []dsr.ReportItem{{RequestID: "r3", Status: gdpr.StatusCompleted, ResultsURL: srv.URL + "/results"}}}
	var stderr bytes.Buffer
	if err := downloadAll(context.Background(), c, rep, dir, &stderr); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "ticket-1-r3.zip")); string(b) != "archive" {
		t.Errorf("a safe id: %q, want the archive", b)
	}
}

// gdpr results download names its file after the id the server returned
// only when that id is a safe name.
func TestResultsDownloadRefusesAnUnsafeRequestID(t *testing.T) {
	srv := hostileAPI(t, "x/../../victim")
	t.Setenv("GDPR_API_URL", srv.URL)
	t.Setenv("GDPR_TOKEN", "t")
	t.Setenv("GDPR_CLIENT_ID", "")
	t.Setenv("GDPR_CLIENT_SECRET", "")
	t.Setenv("GDPR_API_REGION", "")
	t.Chdir(t.TempDir())
	code, _, errOut := gdprCmd(t, "results", "download", "r1")
	if code == 0 || !strings.Contains(errOut, "not a safe file name") {
		t.Fatalf("exit %d: %s, want a refusal", code, errOut)
	}
	if _, err := os.Stat(filepath.Join("..", "victim.zip")); err == nil {
		t.Fatal("wrote outside the folder")
	}
}
