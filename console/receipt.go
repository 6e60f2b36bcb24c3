package console

import (
	"context"
	"mime"
	"net/http"
)

// receipter is a Processor that signs receipts (*processor.Processor with
// an evidence key).
type receipter interface {
	Receipt(ctx context.Context, id string) ([]byte, error)
}

// receiptDownload serves a finished request's signed receipt, of the
// session's organization only, for the officer to hand to the data
// subject or an auditor: it holds no personal data.
func (c *Console) receiptDownload(w http.ResponseWriter, r *http.Request, s *session) {
	rc, ok := c.proc.(receipter)
	if !ok {
		c.fail(w, r, s, http.StatusNotFound, "No receipts", "This server signs no receipts: it runs without an evidence key.")
		return
	}
	id := r.PathValue("id")
	b, err := rc.Receipt(r.Context(), id)
	if err != nil {
		c.failErr(w, r, s, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "gdpr-receipt-" + id + ".json"}))
	h.Set("Cache-Control", "private, no-store")
	w.Write(b)
}
