package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/dsr"
	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/processor"
)

// dsar runs gdpr dsar with stdin and returns its exit code, output and
// the processor behind its --demo server, which outlives the command.
func dsar(t *testing.T, stdin string, args ...string) (int, string, string, *processor.Processor) {
	t.Helper()
	var p *processor.Processor
	var out, errOut bytes.Buffer
	code := dsarMain(context.Background(), args, strings.NewReader(stdin), &out, &errOut, func(s *inProcess) { p = s.proc })
	return code, out.String(), errOut.String(), p
}

func search(t *testing.T, p *processor.Processor, typ gdpr.Kind, value string) []gdpr.Subject {
	t.Helper()
	s, err := p.SearchSubjects(context.Background(), typ, value)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func requestCount(t *testing.T, p *processor.Processor) int64 {
	t.Helper()
	l, err := p.ListRequests(gdpr.ContextWithOrganization(context.Background(), "demo"), gdpr.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return l.Total
}

func TestDSARDeleteLeavesTheNamesake(t *testing.T) {
	report := filepath.Join(t.TempDir(), "report.json")
	code, out, errOut, p := dsar(t, "", "--demo", "--name", demo.AlexMorgan, "--email", demo.AlexMorganSeattleEmail,
		"--type", "delete", "--yes", "--out", report)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"ambiguous: matched only a NAME", "left alone", "confirmed: matched the person's EMAIL",
		"Plan: 2 GDPR_DELETE requests for 2 subjects", "erasure verified for 2 of 2 requests"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "[2/2 done]") {
		t.Errorf("no progress on stderr:\n%s", errOut)
	}
	if strings.Contains(errOut, demo.AlexMorganSeattleEmail) {
		t.Errorf("progress shows the person's email:\n%s", errOut)
	}

	left := search(t, p, gdpr.KindName, demo.AlexMorgan)
	if len(left) != 1 || !slices.Contains(left[0].EmailAddresses, demo.AlexMorganLondonEmail) ||
		len(search(t, p, gdpr.KindPhone, demo.AlexMorganLondonPhone)) != 1 {
		t.Fatalf("the namesake was touched: the name finds %+v", left)
	}
	if s := search(t, p, gdpr.KindEmail, demo.AlexMorganSeattleEmail); len(s) != 0 {
		t.Fatalf("the person's email still finds %+v", s)
	}

	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var rep dsr.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("--out is not JSON: %v\n%s", err, b)
	}
	if rep.Type != gdpr.RequestDelete || rep.Summary.Completed != 2 || len(rep.Requests) != 2 || rep.Requests[0].RequestID == "" {
		t.Fatalf("report: %+v", rep)
	}
	if fi, err := os.Stat(report); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("report mode: %v %v", fi.Mode(), err)
	}
	// --out saves each request's signed receipt beside the report.
	pub, err := p.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range rep.Requests {
		b, err := os.ReadFile(receiptFile(report, it.RequestID))
		if err != nil {
			t.Fatalf("receipt of %s: %v", it.RequestID, err)
		}
		rec, err := evidence.VerifyReceipt(b, pub)
		if err != nil || rec.RequestID != it.RequestID || rec.Status != gdpr.StatusCompleted {
			t.Errorf("receipt of %s: %+v, %v", it.RequestID, rec, err)
		}
	}
}

func TestDSARDeleteNotConfirmed(t *testing.T) {
	code, out, errOut, p := dsar(t, "n\n", "--demo", "--name", demo.AlexMorgan, "--email", demo.AlexMorganSeattleEmail, "--type", "delete")
	if code != 1 || !strings.Contains(errOut, "Erase 2 subjects with 2 GDPR_DELETE requests") || !strings.Contains(errOut, "nothing was deleted") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if n := requestCount(t, p); n != 0 {
		t.Fatalf("%d requests made", n)
	}
	if len(search(t, p, gdpr.KindEmail, demo.AlexMorganSeattleEmail)) != 2 || len(search(t, p, gdpr.KindName, demo.AlexMorgan)) != 3 {
		t.Fatal("data was deleted")
	}
}

func TestDSARNameAloneTouchesNobody(t *testing.T) {
	code, out, errOut, p := dsar(t, "", "--demo", "--name", demo.AlexMorgan, "--type", "delete", "--yes")
	if code != 1 || !strings.Contains(errOut, "nothing to do") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if n := requestCount(t, p); n != 0 {
		t.Fatalf("%d requests made", n)
	}
	// --include names an ambiguous subject the operator checked.
	london := "externalContactId:" + search(t, p, gdpr.KindEmail, demo.AlexMorganLondonEmail)[0].ExternalContactID
	code, out, errOut, p = dsar(t, "", "--demo", "--name", demo.AlexMorgan, "--type", "delete", "--yes", "--include", london)
	if code != 0 || !strings.Contains(out, "left alone") || !strings.Contains(out, "included") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if left := search(t, p, gdpr.KindName, demo.AlexMorgan); len(left) != 2 || len(search(t, p, gdpr.KindEmail, demo.AlexMorganLondonEmail)) != 0 {
		t.Fatalf("after including the London contact, the name finds %+v", left)
	}
}

func TestDSARExportDownloads(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "exports")
	code, out, errOut, _ := dsar(t, "", "--demo", "--email", demo.SamRiveraEmail, "--type", "export", "--dir", dir, "--id", "ticket-9", "--json")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	var got struct {
		Resolution dsr.Resolution
		Report     dsr.Report
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got.Report.Requests) != 2 || got.Report.DSRID != "ticket-9" {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	files, err := filepath.Glob(filepath.Join(dir, "ticket-9-*.zip"))
	if err != nil || len(files) != 2 {
		t.Fatalf("archives: %v %v\n%s", files, err, errOut)
	}
	for _, f := range files {
		zr, err := zip.OpenReader(f)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(zr.File, func(f *zip.File) bool { return f.Name == "manifest.json" }) {
			t.Errorf("%s has no manifest", f)
		}
		zr.Close()
	}
}

func TestDSARUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--demo", "--email", "a@example.com"}, "--type is required"},
		{[]string{"--demo", "--type", "erase", "--email", "a@example.com"}, "not export, update or delete"},
		{[]string{"--demo", "--type", "export"}, "at least one identifier"},
		{[]string{"--demo", "--type", "update", "--email", "a@example.com"}, "--replace TYPE --from OLD --to NEW"},
		{[]string{"--demo", "--type", "delete", "--email", "a@example.com", "--dir", "x"}, "--dir is for --type export"},
		{[]string{"--demo", "--type", "export", "--social", "MYSPACE:@x"}, "social handle type"},
		{[]string{"--demo", "--type", "export", "--journey-customer", "jc-5521"}, "--journey-customer must be TYPE:ID"},
		{[]string{"--demo", "--type", "export", "--email", demo.JordanBlakeEmail, "--include", "nobody"}, "names no candidate"},
		{[]string{"--type", "export", "--email", "a@example.com", "--url", "", "--region", ""}, "no API given"},
	} {
		t.Setenv("GDPR_API_URL", "")
		t.Setenv("GDPR_API_REGION", "")
		code, out, errOut, _ := dsar(t, "", tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%q: exit %d, want 2 and %q\n%s%s", tc.args, code, tc.want, out, errOut)
		}
	}
}

func TestDSARUpdate(t *testing.T) {
	const newEmail = "jordan.b@example.net"
	code, out, errOut, p := dsar(t, "", "--demo", "--email", demo.JordanBlakeEmail, "--type", "update",
		"--replace", "EMAIL", "--from", demo.JordanBlakeEmail, "--to", newEmail)
	if code != 0 || !strings.Contains(out, "updated") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if len(search(t, p, gdpr.KindEmail, newEmail)) != 1 || len(search(t, p, gdpr.KindEmail, demo.JordanBlakeEmail)) != 0 {
		t.Fatal("the email was not replaced")
	}
}

// With a client secret, the DSR id derived from the identifiers is keyed
// with it: the same on every run of that client, and not one that anyone
// guessing the email can recompute.
func TestDSARDerivesItsIDWithTheClientSecret(t *testing.T) {
	email := []gdpr.Term{{Kind: gdpr.KindEmail, Value: demo.AlexMorganSeattleEmail}}
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, dsr.DeriveID(email)},
		{[]string{"--client-secret", "a-long-test-secret"}, dsr.DeriveIDWithKey([]byte("a-long-test-secret"), email)},
	} {
		args := append([]string{"--demo", "--email", demo.AlexMorganSeattleEmail, "--type", "export"}, c.args...)
		code, out, errOut, _ := dsar(t, "", args...)
		if code != 0 {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
		if !strings.Contains(errOut, "DSR "+c.want+":") {
			t.Errorf("dsar %v: the DSR id is not %s:\n%s", c.args, c.want, errOut)
		}
	}
}
