package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestFederation erases a customer through the company's server: the
// report shows the customer's rows deleted in the company's database and
// the contact centre's subject erased by the contact centre, every request
// completed and verified.
func TestFederation(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), t.TempDir(), "Jordan.Blake@example.com", &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"GDPR_DELETE of 2 subjects, 2 requests completed",
		"crm      DONE, 3 records, 3 deleted",
		"genesys  DONE, 1 records, 1 erased by the remote service",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "verified: false") {
		t.Errorf("an erasure failed verification:\n%s", got)
	}
}
