package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/gdprkit/gdpr/evidence"
)

const receiptUsage = "Usage: gdpr receipt verify --key PUBLIC_KEY|FILE FILE"

// cmdReceipt: gdpr receipt verify — checks a request's receipt offline,
// with the public key alone.
func cmdReceipt(_ context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(stderr, receiptUsage)
		return 2
	}
	fs := flag.NewFlagSet("gdpr receipt verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	key := fs.String("key", env("GDPR_EVIDENCE_PUBLIC_KEY", ""), publicKeysHelp+" (GDPR_EVIDENCE_PUBLIC_KEY)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if fs.NArg() != 1 || *key == "" {
		fmt.Fprintln(stderr, receiptUsage)
		return 2
	}
	keys, err := readPublicKeys(*key)
	if err != nil {
		fmt.Fprintf(stderr, "gdpr receipt verify: --key: %v\n", err)
		return 2
	}
	b, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "gdpr receipt verify: %v\n", err)
		return 2
	}
	rec, err := evidence.VerifyReceipt(b, keys[0], keys[1:]...)
	if err != nil {
		fmt.Fprintf(stdout, "NOT VALID: %v\n", err)
		return 1
	}
	// A receipt of format /3 is signed through its checkpoint, one of /2
	// through its batch; one of /1 is itself a signed note.
	signed := []byte(rec.Checkpoint)
	switch rec.Format {
	case evidence.ReceiptFormatV2:
		signed = []byte(rec.Batch)
	case evidence.ReceiptFormatV1:
		signed = b
	}
	signer := keyName(signedBy(signed, keys), keys)
	if cpKey := keyName(signedBy([]byte(rec.Checkpoint), keys), keys); cpKey != signer {
		signer += ", its checkpoint by " + cpKey
	}
	fmt.Fprintf(stdout, "valid receipt, signed by %s: request %s of organization %q, %s, %s; created %s, finished %s; %d audit events in the tree of a signed checkpoint\n",
		signer, rec.RequestID, rec.Organization, rec.RequestType, rec.Status,
		rec.Created.Format("2006-01-02 15:04:05Z07:00"), rec.Finished.Format("2006-01-02 15:04:05Z07:00"), len(rec.Events))
	for _, s := range rec.Steps {
		fmt.Fprintf(stdout, "  %s: %s, %d records", s.Adapter, s.State, s.Records)
		if o := s.Outcome; o != nil {
			fmt.Fprintf(stdout, " (exported %d, updated %d, deleted %d, anonymized %d, retained %d)", o.Exported, o.Updated, o.Deleted, o.Anonymized, o.RetainedCount())
		}
		fmt.Fprintln(stdout)
	}
	if v := rec.Verification; v != nil {
		fmt.Fprintf(stdout, "  erasure verification: passed %v, %d retained\n", v.Passed, v.Retained)
	}
	return 0
}
