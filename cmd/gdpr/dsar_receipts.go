package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/dsr"
)

// receiptFile is where gdpr dsar --out FILE saves a request's receipt.
func receiptFile(out, requestID string) string {
	return strings.TrimSuffix(out, ".json") + "-receipt-" + requestID + ".json"
}

// saveReceipts saves the signed receipt of each finished request of rep
// beside the report out. A server that signs no receipts is noted, not an
// error: the report is still the DSR's record.
func saveReceipts(ctx context.Context, c *gdpr.Client, rep *dsr.Report, out string, stderr io.Writer) error {
	for _, it := range rep.Requests {
		if it.RequestID == "" || !it.Status.Done() {
			continue
		}
		b, err := c.Receipt(ctx, it.RequestID)
		var ae *gdpr.APIError
		if errors.As(err, &ae) && ae.Status() == http.StatusNotFound {
			fmt.Fprintln(stderr, "the server signs no receipts; the report alone records the requests")
			return nil
		}
		if err != nil {
			return fmt.Errorf("receipt of %s: %w", it.RequestID, err)
		}
		name := receiptFile(out, it.RequestID)
		if err := os.WriteFile(name, b, 0o600); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "wrote the signed receipt of %s to %s (check it with gdpr receipt verify)\n", it.RequestID, name)
	}
	return nil
}
