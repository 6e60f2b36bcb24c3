package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"golang.org/x/mod/sumdb/note"

	"github.com/gdprkit/gdpr/evidence"
)

const consistencyUsage = "Usage: gdpr audit consistency --key PUBLIC_KEY|FILE [--held FILE] PROOF_FILE"

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
	key := fs.String("key", env("GDPR_EVIDENCE_PUBLIC_KEY", ""), publicKeysHelp+" (GDPR_EVIDENCE_PUBLIC_KEY)")
	held := fs.String("held", "", "a checkpoint you hold, or a receipt carrying one: the proof must start or end at it")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() != 1 || *key == "" {
		fmt.Fprintln(stderr, consistencyUsage)
		return exitUsage
	}
	keys, err := readPublicKeys(*key)
	if err != nil {
		fmt.Fprintf(stderr, "gdpr audit consistency: --key: %v\n", err)
		return exitUsage
	}
	doc, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "gdpr audit consistency: %v\n", err)
		return exitUsage
	}
	older, newer, err := evidence.VerifyConsistency(doc, keys[0], keys[1:]...)
	if err != nil {
		fmt.Fprintf(stdout, "NOT VALID: %v\n", err)
		return exitFailed
	}
	if *held != "" {
		mine, err := heldCheckpoint(*held, keys)
		if err != nil {
			fmt.Fprintf(stderr, "gdpr audit consistency: --held: %v\n", err)
			return exitUsage
		}
		if msg := compareHeld(mine, doc, older, newer, keys); msg != "" {
			fmt.Fprintf(stdout, "NOT VALID: %s\n", msg)
			return exitFailed
		}
	}
	var c evidence.Consistency
	_ = json.Unmarshal(doc, &c) // VerifyConsistency read it
	oldKey, newKey := signedBy([]byte(c.Old), keys), signedBy([]byte(c.New), keys)
	signed := "signed by " + keyName(newKey, keys)
	if oldKey != newKey {
		signed = fmt.Sprintf("across a key rotation: the newer signed by %s, the older by %s", keyName(newKey, keys), keyName(oldKey, keys))
	}
	fmt.Fprintf(stdout, "consistent, %s: checkpoint %d of organization %q (%d events) extends checkpoint %d (%d events) unchanged\n",
		signed, newer.Seq, newer.Org, newer.Size, older.Seq, older.Size)
	return exitOK
}

// heldCheckpoint reads the signed checkpoint in file: a checkpoint, or the
// one a receipt carries.
func heldCheckpoint(file string, keys []string) ([]byte, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	if rec, err := evidence.VerifyReceipt(b, keys[0], keys[1:]...); err == nil {
		return []byte(rec.Checkpoint), nil
	}
	if _, err := openCheckpoint(b, keys); err != nil {
		return nil, fmt.Errorf("%s is neither a receipt nor a checkpoint signed by these keys: %w", file, err)
	}
	return b, nil
}

// openCheckpoint opens a signed checkpoint with keys, the current first.
func openCheckpoint(b []byte, keys []string) (evidence.Statement, error) {
	vs := make([]note.Verifier, len(keys))
	for i, k := range keys {
		v, err := evidence.Verifier(k)
		if err != nil {
			return evidence.Statement{}, err
		}
		vs[i] = v
	}
	return evidence.OpenCheckpoint(b, vs[0], vs[1:]...)
}

// compareHeld says what is wrong when the proof is not about the held
// checkpoint, "" when it is.
func compareHeld(mine, doc []byte, older, newer evidence.Statement, keys []string) string {
	st, err := openCheckpoint(mine, keys)
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
