package console

import (
	"context"
	"database/sql"
	"errors"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/internal/testclock"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/internal/testlog"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store/sqlstore"
)

// signingRig is the console over a processor that signs checkpoints, on
// SQLite, with its workers stopped: requests run when the test drains
// them. The processor and the console share a fake clock.
type signingRig struct {
	*rig
	key   *evidence.Key
	path  string
	clock *testclock.Clock
	ctx   context.Context // acme's
}

func newSigningRig(t *testing.T) *signingRig {
	t.Helper()
	dir := t.TempDir()
	k, _, err := evidence.LoadOrCreateKey(filepath.Join(dir, "evidence.key"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "gdpr.db")
	st, err := sqlstore.OpenSQLite(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := newFakeClock()
	sink := &evidence.FileSink{Path: filepath.Join(dir, "checkpoints.jsonl")}
	rg := startRig(t, rigConfig{idle: true, store: st,
		procOpts: []processor.Option{processor.WithEvidence(k, sink), processor.WithClock(clock.Now)}}, WithClock(clock.Now))
	return &signingRig{rig: rg, key: k, path: path, clock: clock, ctx: gdpr.ContextWithOrganization(context.Background(), "acme")}
}

// create creates an export request of acme and returns its id.
func (r *signingRig) create(t *testing.T) string {
	t.Helper()
	req, err := r.proc.CreateRequest(r.ctx, gdpr.RequestSpec{Type: gdpr.RequestExport,
		Subject: gdpr.Subject{EmailAddresses: []string{demo.SamRiveraEmail}}})
	if err != nil {
		t.Fatal(err)
	}
	return req.ID
}

// finish creates an export request, runs it to its end and signs a
// checkpoint of acme's chain; it returns the request's id.
func (r *signingRig) finish(t *testing.T) string {
	t.Helper()
	id := r.create(t)
	testkit.Drain(t, r.proc)
	if _, err := r.proc.Checkpoint(r.ctx); err != nil {
		t.Fatal(err)
	}
	return id
}

// exec changes the database behind the store's back, as someone with
// write access to it can.
func (r *signingRig) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	db, err := sql.Open("sqlite", r.path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// auditText returns the request's page, its HTML entities decoded, and
// fails unless it was served whole.
func auditText(t *testing.T, o *officer, id string) string {
	t.Helper()
	r := o.get(Path + "requests/" + id)
	if r.status != http.StatusOK || !strings.Contains(r.body, "What each data store did") || !strings.Contains(r.body, "events of this request, oldest first") {
		t.Fatalf("the request's page: %d\n%s", r.status, r.body)
	}
	return html.UnescapeString(r.body)
}

func wantIn(t *testing.T, page string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("the page lacks %q", w)
		}
	}
	if t.Failed() {
		t.Fatalf("the page:\n%s", page)
	}
}

// A request's page names the checkpoint that signs its events, and the
// key; one whose events are not signed yet says when the next checkpoint
// is due, and says so when it is late.
func TestAuditPanelNamesTheCheckpointAndKey(t *testing.T) {
	rg := newSigningRig(t)
	first, second := rg.finish(t), rg.finish(t)
	o := rg.officer(t)
	o.mustSignIn(auditorID, auditorSecret)
	fp := rg.key.Fingerprint()

	page := auditText(t, o, first)
	wantIn(t, page, "Audit chain verified and signed.",
		"are signed by checkpoint #1 of 2026-03-02 09:00:00 UTC, key <code>"+fp+"</code>",
		"The newest checkpoint, #2 of 2026-03-02 09:00:00 UTC, signs events 1 to",
		"every checkpoint's signature with the processor's public key, its number, its link to the one before and the Merkle root",
		"2026-03-02 09:00:00 UTC: the whole chain, as above:", "events and 2 checkpoints.",
		"; and the 2 checkpoints kept outside the database, in the evidence sink, each found unchanged in it.",
		// The account the COMPLETED event holds, in words rather than the
		// JSON its receipt reads.
		"<td>The request's account, which its receipt proves: directory DONE, 1 record; crm DONE, 4 records; dialer DONE, 0 records")
	if strings.Contains(page, `{&#34;format&#34;`) {
		t.Errorf("the account event's JSON is on the page:\n%s", page)
	}

	page = auditText(t, o, second)
	wantIn(t, page, "are signed by checkpoint #2 of", fp,
		"what was added since the last look, 0 events and 0 checkpoints", "Their Merkle roots are checked at the next whole check")

	rg.clock.Advance(10 * time.Second)
	open := rg.create(t) // not run, not signed
	page = auditText(t, o, open)
	wantIn(t, page, "Audit chain verified.</strong> This request's events (#15) are not signed yet. The next checkpoint is due within 1m",
		"what was added since the last look, 1 event and 0 checkpoints")
	if strings.Contains(page, "signed by checkpoint") || strings.Contains(page, "Signing is late") {
		t.Fatalf("an unsigned request's page names a checkpoint, or says signing is late:\n%s", page)
	}
	rg.clock.Advance(5 * time.Minute)
	page = auditText(t, o, open)
	wantIn(t, page, `class="message notice" id="audit-verification"`, "Signing is late:</strong> no checkpoint signs your organization's events from #",
		"the first written 2026-03-02 09:00:10 UTC, though one is due every 1m")
}

// The newest checkpoint deleted from the database, with the events it
// signed, leaves a chain that holds; the check of the whole chain finds
// it missing against the evidence sink's copy.
func TestAuditPanelComparesTheSink(t *testing.T) {
	rg := newSigningRig(t)
	rg.finish(t)
	id := rg.finish(t)
	o := rg.officer(t)
	o.mustSignIn(opsID, opsSecret)
	wantIn(t, auditText(t, o, id), "Audit chain verified and signed.")

	const first = `(SELECT size FROM checkpoints WHERE org = 'acme' AND seq = 1)`
	rg.exec(t, `DELETE FROM events WHERE org = 'acme' AND seq > `+first)
	rg.exec(t, `UPDATE chain_heads SET seq = `+first+`, hash = (SELECT hash FROM events WHERE org = 'acme' AND seq = `+first+`) WHERE org = 'acme'`)
	rg.exec(t, `DELETE FROM checkpoints WHERE org = 'acme' AND seq = 2`)
	rg.clock.Advance(fullAuditEvery)
	page := auditText(t, o, id)
	wantIn(t, page, `class="message problem" role="alert" id="audit-verification"`,
		"The audit chain does not verify: a checkpoint is missing, out of order or altered</strong> at checkpoint 2.",
		"Kept outside the store, it is missing from the store: deleted.")
}

// An event edited in the database is reported with where it is, by the
// next check of the whole chain; the page still renders.
func TestAuditPanelReportsAnEditedEvent(t *testing.T) {
	rg := newSigningRig(t)
	id := rg.finish(t)
	o := rg.officer(t)
	o.mustSignIn(opsID, opsSecret)
	wantIn(t, auditText(t, o, id), "Audit chain verified and signed.")

	rg.exec(t, `UPDATE events SET detail = 'nothing to see here' WHERE org = 'acme' AND seq = 3`)
	rg.clock.Advance(fullAuditEvery)
	page := auditText(t, o, id)
	wantIn(t, page, `class="message problem" role="alert" id="audit-verification"`,
		"The audit chain does not verify: an event was changed</strong> at event 3, an event of this request.",
		"Hash does not match the event's contents (it was altered).",
		"Found by the check of the whole chain at 2026-03-02 09:15:00 UTC")
	if strings.Contains(page, "Audit chain verified") || strings.Contains(page, "evidence: organization") {
		t.Fatalf("the page of a broken chain says it verified, or shows a Go error:\n%s", page)
	}
	// The events are still listed, the changed one as stored.
	wantIn(t, page, "nothing to see here")
}

// A checkpoint signed by another key is reported by the check of what
// was added since the last look.
func TestAuditPanelReportsACheckpointOfAnotherKey(t *testing.T) {
	rg := newSigningRig(t)
	first := rg.finish(t)
	o := rg.officer(t)
	o.mustSignIn(opsID, opsSecret)
	wantIn(t, auditText(t, o, first), "are signed by checkpoint #1")

	second := rg.finish(t)
	var note []byte
	db, err := sql.Open("sqlite", rg.path)
	if err != nil {
		t.Fatal(err)
	}
	err = db.QueryRow(`SELECT note FROM checkpoints WHERE org = 'acme' AND seq = 2`).Scan(&note)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	forged, other := testkit.Resign(t, note)
	rg.exec(t, `UPDATE checkpoints SET note = ? WHERE org = 'acme' AND seq = 2`, forged)

	page := auditText(t, o, second)
	wantIn(t, page, "The audit chain does not verify: a checkpoint is not signed with this processor's key</strong> at checkpoint 2.",
		"The checkpoint is not signed by the evidence key (another key signed it, or it was altered): it is signed by the key "+
			strings.Join(strings.SplitN(other.PublicKey(), "+", 3)[:2], "+")+", not one of the keys given.",
		"Found by the check of what was added since the last look")
	if strings.Contains(page, "signed by checkpoint #2") {
		t.Fatalf("the page names the forged checkpoint as signing the request:\n%s", page)
	}
}

// Without an evidence key, the page says the chain is hash-linked, not
// signed, and how to sign it.
func TestAuditPanelWithoutEvidenceSaysNotSigned(t *testing.T) {
	rg := newRig(t, false)
	req, err := rg.proc.CreateRequest(gdpr.ContextWithOrganization(context.Background(), "acme"), gdpr.RequestSpec{Type: gdpr.RequestExport,
		Subject: gdpr.Subject{EmailAddresses: []string{demo.SamRiveraEmail}}})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, rg.proc, "acme", req.ID)
	o := rg.officer(t)
	o.mustSignIn(auditorID, auditorSecret)
	page := auditText(t, o, req.ID)
	wantIn(t, page, `class="message notice" id="audit-verification"`, "Audit chain verified, but not signed.</strong> Your organization's chain (",
		"The chain is hash-linked, not signed", "this processor runs without an evidence key",
		"<code>gdpr serve</code> always signs", "<code>--evidence-key FILE</code>", "<code>processor.WithEvidence</code>")
	if strings.Contains(page, "checkpoint #") || strings.Contains(page, "Merkle") {
		t.Fatalf("an unsigned chain's page speaks of checkpoints:\n%s", page)
	}
}

// unanswering is a Processor whose store does not answer the audit check.
type unanswering struct{ *processor.Processor }

func (unanswering) CheckAudit(context.Context, *evidence.Mark) (processor.AuditCheck, error) {
	return processor.AuditCheck{}, errors.New("sqlstore: events: database is locked")
}

// A store that does not answer the check leaves the page served, saying
// nothing was checked, with the error in the log rather than on the page.
func TestAuditPanelWhenTheStoreDoesNotAnswer(t *testing.T) {
	p := testkit.Demo(t)
	req, err := p.CreateRequest(gdpr.ContextWithOrganization(context.Background(), "acme"), gdpr.RequestSpec{Type: gdpr.RequestExport,
		Subject: gdpr.Subject{EmailAddresses: []string{demo.SamRiveraEmail}}})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, "acme", req.ID)
	logs := &testlog.Buffer{}
	con, err := New(unanswering{p}, testClients(t), WithLogger(slog.New(slog.NewTextHandler(logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(con)
	t.Cleanup(srv.Close)
	o := (&rig{srv: srv}).officer(t)
	o.mustSignIn(auditorID, auditorSecret)
	page := auditText(t, o, req.ID)
	wantIn(t, page, "The audit chain could not be checked just now:</strong> the request store, or the evidence sink, did not answer.")
	if strings.Contains(page, "Audit chain verified") || strings.Contains(page, "database is locked") {
		t.Fatalf("the page claims a check, or shows the store's error:\n%s", page)
	}
	if !strings.Contains(logs.String(), "the audit chain could not be checked") || !strings.Contains(logs.String(), "database is locked") {
		t.Errorf("the log does not hold the store's error:\n%s", logs.String())
	}
}
