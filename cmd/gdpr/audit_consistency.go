package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/gdprkit/gdpr/evidence"
)

const consistencyUsage = "Usage: gdpr audit consistency --key PUBLIC_KEY [--held FILE] PROOF_FILE"

// cmdAuditConsistency: gdpr audit consistency — checks offline, with the
// public key alone, a consistency proof downloaded from
// GET /api/v2/gdpr/evidence/consistency?old=N&new=M: that the newer
// checkpoint extends the history the older one signed. With --held, the
// proof must be about the checkpoint the caller holds (a checkpoint file,
// or a receipt carrying one). Exit 0 when it holds, 1 when it does not,
// 2 for a usage error.
func cmdAuditConsistency(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gdpr audit consistency", flag.ContinueOnError)
	fs.SetOutput(stderr)
	key := fs.String("key", env("GDPR_EVIDENCE_PUBLIC_KEY", ""), "the evidence public key, or a file holding it (GDPR_EVIDENCE_PUBLIC_KEY)")
	held := fs.String("held", "", "a checkpoint you hold, or a receipt carrying one: the proof must start or end at it")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() != 1 || *key == "" {
		fmt.Fprintln(stderr, consistencyUsage)
		return exitUsage
	}
	pub, err := readPublicKey(*key)
	if err != nil {
		fmt.Fprintf(stderr, "gdpr audit consistency: --key: %v\n", err)
		return exitUsage
	}
	doc, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "gdpr audit consistency: %v\n", err)
		return exitUsage
	}
	older, newer, err := evidence.VerifyConsistency(doc, pub)
	if err != nil {
		fmt.Fprintf(stdout, "NOT VALID: %v\n", err)
		return exitFailed
	}
	if *held != "" {
		mine, err := heldCheckpoint(*held, pub)
		if err != nil {
			fmt.Fprintf(stderr, "gdpr audit consistency: --held: %v\n", err)
			return exitUsage
		}
		if msg := compareHeld(mine, doc, older, newer, pub); msg != "" {
			fmt.Fprintf(stdout, "NOT VALID: %s\n", msg)
			return exitFailed
		}
	}
	fmt.Fprintf(stdout, "consistent, signed by %s: checkpoint %d of organization %q (%d events) extends checkpoint %d (%d events) unchanged\n",
		evidence.Fingerprint(pub), newer.Seq, newer.Org, newer.Size, older.Seq, older.Size)
	return exitOK
}

// heldCheckpoint reads the signed checkpoint in file: a checkpoint, or the
// one a receipt carries.
func heldCheckpoint(file, pub string) ([]byte, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	if rec, err := evidence.VerifyReceipt(b, pub); err == nil {
		return []byte(rec.Checkpoint), nil
	}
	v, err := evidence.Verifier(pub)
	if err != nil {
		return nil, err
	}
	if _, err := evidence.OpenCheckpoint(b, v); err != nil {
		return nil, fmt.Errorf("%s is neither a receipt nor a checkpoint signed by this key: %w", file, err)
	}
	return b, nil
}

// compareHeld says what is wrong when the proof is not about the held
// checkpoint, "" when it is.
func compareHeld(mine, doc []byte, older, newer evidence.Statement, pub string) string {
	v, _ := evidence.Verifier(pub)
	st, err := evidence.OpenCheckpoint(mine, v)
	if err != nil {
		return err.Error()
	}
	var c evidence.Consistency
	_ = json.Unmarshal(doc, &c) // VerifyConsistency read it
	for _, cp := range []struct {
		note string
		st   evidence.Statement
	}{{c.Old, older}, {c.New, newer}} {
		if bytes.Equal(bytes.TrimSpace(mine), bytes.TrimSpace([]byte(cp.note))) {
			return ""
		}
		if st.Org == cp.st.Org && st.Seq == cp.st.Seq {
			return fmt.Sprintf("the key signed two different checkpoints numbered %d of organization %q: the one you hold (%d events) and the proof's (%d events); the history was forked",
				st.Seq, st.Org, st.Size, cp.st.Size)
		}
	}
	return fmt.Sprintf("the proof is between checkpoints %d and %d, not about the checkpoint %d you hold; ask for ?old=%d&new=%d",
		older.Seq, newer.Seq, st.Seq, st.Seq, newer.Seq)
}
