package processor_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store/memstore"
)

// exportArchive runs an export of email on p and returns the archive's
// files by name.
func exportArchive(t *testing.T, p *processor.Processor, email string) map[string][]byte {
	t.Helper()
	ctx := context.Background()
	req, err := p.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: gdpr.Subject{EmailAddresses: []string{email}}})
	if err != nil {
		t.Fatal(err)
	}
	if r := testkit.WaitDone(ctx, t, p, req.ID); r.Status != gdpr.StatusCompleted {
		t.Fatalf("export ended %s", r.Status)
	}
	rc, err := p.OpenResults(ctx, req.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], err = io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// records returns the records of the archive's JSON parts.
func records(t *testing.T, files map[string][]byte) []adapter.Record {
	t.Helper()
	var all []adapter.Record
	for name, b := range files {
		if !strings.HasSuffix(name, ".json") || name == "manifest.json" {
			continue
		}
		var recs []adapter.Record
		if err := json.Unmarshal(b, &recs); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		all = append(all, recs...)
	}
	return all
}

// The archive's index.html shows every record of every part, field by
// field, with the request id, and loads nothing and runs nothing.
func TestExportIndexShowsEveryRecord(t *testing.T) {
	p := testkit.Demo(t)
	files := exportArchive(t, p, demo.SamRiveraEmail)
	page := string(files[processor.IndexFile])
	if page == "" {
		t.Fatalf("the archive has no %s: %v", processor.IndexFile, len(files))
	}
	text := html.UnescapeString(page)
	recs := records(t, files)
	if len(recs) < 2 {
		t.Fatalf("the demo export holds %d records; the test needs several", len(recs))
	}
	var m processor.Manifest
	json.Unmarshal(files["manifest.json"], &m)
	for _, want := range []string{m.RequestID, "Article 15", "Your personal data"} {
		if !strings.Contains(text, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	for _, rec := range recs {
		if !strings.Contains(text, rec.Kind+" "+rec.ID) {
			t.Errorf("index.html lacks record %s %s", rec.Kind, rec.ID)
		}
		for k, v := range rec.Fields {
			if s, ok := v.(string); ok && !strings.Contains(text, "<th>"+k+"</th><td>"+s+"</td>") {
				t.Errorf("index.html lacks field %s = %q of record %s", k, s, rec.ID)
			}
			// A list of strings reads as its items, joined by commas.
			if l, ok := v.([]any); ok && len(l) > 0 {
				items := make([]string, len(l))
				strs := true
				for i, x := range l {
					items[i], ok = x.(string)
					strs = strs && ok
				}
				if want := strings.Join(items, ", "); strs && !strings.Contains(text, "<th>"+k+"</th><td>"+want+"</td>") {
					t.Errorf("index.html lacks list %s = %q of record %s", k, want, rec.ID)
				}
			}
		}
	}
	if n := strings.Count(page, `<table class="record">`); n != len(recs) {
		t.Errorf("index.html has %d record tables, want %d", n, len(recs))
	}
	for _, bad := range []string{"<script", "<link", " src=", "<img", "@import", "url("} {
		if strings.Contains(strings.ToLower(page), bad) {
			t.Errorf("index.html holds %q: it must be self-contained and load nothing", bad)
		}
	}
}

// hostile is a data store holding a person whose data is markup.
func hostile(t *testing.T) *processor.Processor {
	t.Helper()
	a, err := memadapter.New("crm<b>")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Load(memadapter.Dataset{
		People: []memadapter.Person{{Key: "p1", Kind: memadapter.KindExternalContact, ExternalContactID: "ec-1",
			Name: `<script>document.title="owned"</script>`, Emails: []string{"mallory@example.com"}}},
		Records: []memadapter.LinkedRecord{{ID: "note-1", Kind: "note", Person: "p1",
			Fields: map[string]any{"text": `"><img src=x onerror="document.title='owned'">`, "nested": map[string]any{"a": "</td></table><script>x()</script>"}}}},
	}); err != nil {
		t.Fatal(err)
	}
	p, err := processor.New(memstore.New(), []adapter.Adapter{a}, processor.WithStorePoll(5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return testkit.Run(t, p)
}

func TestExportIndexEscapes(t *testing.T) {
	files := exportArchive(t, hostile(t), "mallory@example.com")
	page := string(files[processor.IndexFile])
	for _, bad := range []string{"<script", "<img", "<b>", "</table><script"} {
		if strings.Contains(page, bad) {
			t.Errorf("index.html holds %q unescaped:\n%s", bad, page)
		}
	}
	if text := html.UnescapeString(page); !strings.Contains(text, `<script>document.title="owned"</script>`) || !strings.Contains(text, "onerror=") {
		t.Errorf("index.html does not show the markup as text:\n%s", page)
	}
}

// chromium returns the Chromium binary, or skips the test.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium installed (apt-get install chromium)")
	return ""
}

// Headless Chromium opens index.html from the archive, with no server,
// and shows every record; the hostile data set's markup stays text.
func TestExportIndexInBrowser(t *testing.T) {
	exe := chromium(t)
	if testing.Short() {
		t.Skip("the browser test is slow")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.UserDataDir(t.TempDir()))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 2*time.Minute)
	defer cancelT()

	for _, tc := range []struct {
		name  string
		p     *processor.Processor
		email string
	}{{"demo", testkit.Demo(t), demo.SamRiveraEmail}, {"hostile", hostile(t), "mallory@example.com"}} {
		files := exportArchive(t, tc.p, tc.email)
		path := filepath.Join(t.TempDir(), "index.html")
		if err := os.WriteFile(path, files[processor.IndexFile], 0o600); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate("file://"+path)); err != nil {
			t.Fatalf("%s: open index.html: %v", tc.name, err)
		}
		text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
		if err != nil {
			t.Fatal(err)
		}
		recs := records(t, files)
		tables, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("table.record").length`))
		if err != nil || tables != len(recs) {
			t.Errorf("%s: the browser shows %d record tables (%v), want %d", tc.name, tables, err, len(recs))
		}
		for _, rec := range recs {
			if !strings.Contains(text, rec.ID) {
				t.Errorf("%s: the browser does not show record %s", tc.name, rec.ID)
			}
			for k, v := range rec.Fields {
				if s, ok := v.(string); ok && !strings.Contains(text, s) {
					t.Errorf("%s: the browser does not show field %s of %s", tc.name, k, rec.ID)
				}
			}
		}
		title, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.title`))
		elems, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("script,img,b").length`))
		if title == "owned" || elems != 0 {
			t.Errorf("%s: the data ran as markup: title %q, %d script/img/b elements", tc.name, title, elems)
		}
	}
}
