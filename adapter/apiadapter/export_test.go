package apiadapter_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/apiadapter"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/processor"
)

// TestExport exports a person held locally and by the remote: the remote
// gets one GDPR_EXPORT, and the records of its archive are the adapter's
// part of the local archive.
func TestExport(t *testing.T) {
	t.Parallel()
	rem := newRemote(t, 3, nil).start(t)
	l := newLocal(t, 3, newAPI(t, rem.client(t)))
	req, err := l.p.CreateRequest(t.Context(), gdpr.RequestSpec{Type: gdpr.RequestExport,
		Subject: gdpr.Subject{EmailAddresses: []string{demo.GeneratedEmail(1)}}})
	if err != nil {
		t.Fatal(err)
	}
	got := l.settle(t, req.ID)
	s := step(t, got, "genesys")
	if got.Status != gdpr.StatusCompleted || s.Records != 2 {
		t.Fatalf("status %s, genesys step %+v; want COMPLETED with the contact and its chat", got.Status, s)
	}
	checkArchive(t, l, req.ID)
	rs := rem.requests(t)
	if len(rs) != 1 || rs[0].RequestType != gdpr.RequestExport || rs[0].Subject.ExternalContactID != "g-contact-1" {
		t.Errorf("remote requests %+v, want one GDPR_EXPORT of g-contact-1", rs)
	}
}

// TestExportParked exports while the remote is slow: the remote step
// parks, the local step's part is kept in the Store, and the archive made
// once the remote completed holds both parts.
func TestExportParked(t *testing.T) {
	t.Parallel()
	rem := newRemote(t, 3, nil) // its workers start once the step parked
	l := newLocal(t, 3, newAPI(t, rem.client(t), apiadapter.WithInlineWait(0)))
	req, err := l.p.CreateRequest(t.Context(), gdpr.RequestSpec{Type: gdpr.RequestExport,
		Subject: gdpr.Subject{EmailAddresses: []string{demo.GeneratedEmail(1)}}})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Drain(t, l.p)
	got, err := l.p.GetRequest(t.Context(), req.ID)
	if err != nil {
		t.Fatal(err)
	}
	if s := step(t, got, "genesys"); s.State != processor.StepWaiting || step(t, got, "crm").State != gdpr.StepDone {
		t.Fatalf("steps %+v; want crm DONE and genesys WAITING", got.Steps)
	}
	rem.start(t)
	got = l.settle(t, req.ID)
	if got.Status != gdpr.StatusCompleted || step(t, got, "crm").Records != 2 || step(t, got, "genesys").Records != 2 {
		t.Fatalf("status %s, steps %+v", got.Status, got.Steps)
	}
	checkArchive(t, l, req.ID)
}

// checkArchive checks that the export archive holds the local customer's
// records (crm.json) and the remote's (genesys.json).
func checkArchive(t *testing.T, l *local, id string) {
	t.Helper()
	rc, err := l.p.OpenResults(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]map[string]string{} // file → record id → kind
	for _, f := range zr.File {
		if f.Name != "genesys.json" && f.Name != "crm.json" {
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var recs []adapter.Record
		if err := json.NewDecoder(r).Decode(&recs); err != nil {
			t.Fatal(err)
		}
		r.Close()
		parts[f.Name] = map[string]string{}
		for _, rec := range recs {
			parts[f.Name][rec.ID] = rec.Kind
		}
	}
	if g := parts["genesys.json"]; len(g) != 2 || g["g-1"] != "externalContact" || g["g-chat-1"] != "chatTranscript" {
		t.Errorf("genesys.json holds %v, want the remote's contact g-1 and chat g-chat-1", g)
	}
	if c := parts["crm.json"]; len(c) != 2 || c["c-1"] != "externalContact" {
		t.Errorf("crm.json holds %v, want the local contact c-1 and its chat", c)
	}
}
