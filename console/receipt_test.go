package console

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/processor"
)

// A finished request's page offers its signed receipt, which verifies
// with the public key; another organization's officer gets none.
func TestReceiptDownload(t *testing.T) {
	k, _, err := evidence.LoadOrCreateKey(filepath.Join(t.TempDir(), "evidence.key"))
	if err != nil {
		t.Fatal(err)
	}
	rg := startRig(t, rigConfig{procOpts: []processor.Option{processor.WithEvidence(k, nil)}})
	ctx := gdpr.ContextWithOrganization(context.Background(), "acme")
	req, err := rg.proc.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestExport,
		Subject: gdpr.Subject{EmailAddresses: []string{"sam.rivera@example.com"}}})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, rg.proc, "acme", req.ID)

	o := rg.officer(t)
	o.mustSignIn(auditorID, auditorSecret)
	if d := o.get(Path + "requests/" + req.ID); !strings.Contains(d.body, `id="receipt"`) {
		t.Fatalf("the finished request's page offers no receipt:\n%s", d.body)
	}
	r := o.get(Path + "requests/" + req.ID + "/receipt")
	if r.status != http.StatusOK || !strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("receipt download: %d %v", r.status, r.header)
	}
	if rec, err := evidence.VerifyReceipt([]byte(r.body), k.PublicKey()); err != nil || rec.RequestID != req.ID {
		t.Fatalf("the downloaded receipt: %+v, %v", rec, err)
	}

	rival := rg.officer(t)
	rival.mustSignIn(rivalID, rivalSecret)
	if r := rival.get(Path + "requests/" + req.ID + "/receipt"); r.status != http.StatusNotFound {
		t.Errorf("another organization's receipt: %d, want 404", r.status)
	}
}
