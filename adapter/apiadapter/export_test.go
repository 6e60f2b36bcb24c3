package apiadapter_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/internal/demo"
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
	rc, err := l.p.OpenResults(t.Context(), req.ID)
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
	var recs []adapter.Record
	for _, f := range zr.File {
		if f.Name != "genesys.json" {
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		if err := json.NewDecoder(r).Decode(&recs); err != nil {
			t.Fatal(err)
		}
		r.Close()
	}
	ids := map[string]string{}
	for _, r := range recs {
		ids[r.ID] = r.Kind
	}
	if len(recs) != 2 || ids["g-1"] != "externalContact" || ids["g-chat-1"] != "chatTranscript" {
		t.Errorf("genesys.json holds %v, want the remote's contact g-1 and chat g-chat-1", ids)
	}
	rs := rem.requests(t)
	if len(rs) != 1 || rs[0].RequestType != gdpr.RequestExport || rs[0].Subject.ExternalContactID != "g-contact-1" {
		t.Errorf("remote requests %+v, want one GDPR_EXPORT of g-contact-1", rs)
	}
}
