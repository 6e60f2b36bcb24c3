package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

const auditKeysUsage = "Usage: gdpr audit keys [--db FILE | --evidence-key FILE] [--evidence-retired-keys FILE]"

// cmdAuditKeys: gdpr audit keys — prints the evidence public keys of gdpr
// serve's configuration, one a line, the current key first and then the
// retired ones: the key file the verify commands read and
// GET /api/v2/gdpr/evidence/keys serves, made offline from the key file
// itself (before a rotation, to keep the key about to be retired). It
// reads the private key and never prints it.
func cmdAuditKeys(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gdpr audit keys", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &serveConfig{store: "sqlite"}
	fs.StringVar(&c.dbPath, "db", "gdpr.db", "the SQLite database of gdpr serve, beside which its evidence key file is (GDPR_DB)")
	fs.StringVar(&c.evidenceKey, "evidence-key", "", "the evidence key file of gdpr serve (GDPR_EVIDENCE_KEY_FILE)")
	fs.StringVar(&c.evidenceRetiredKeys, "evidence-retired-keys", "", "gdpr serve's file of retired evidence public keys, one a line, printed after the current key (GDPR_EVIDENCE_RETIRED_KEYS)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), auditKeysUsage)
		fs.PrintDefaults()
	}
	if err := applyEnv(fs); err != nil {
		fmt.Fprintf(stderr, "gdpr audit keys: %v\n", err)
		return exitUsage
	}
	pos, code, ok := parseFlags(fs, args, stdout)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		fmt.Fprintf(stderr, "gdpr audit keys: unexpected arguments %q\n%s\n", pos, auditKeysUsage)
		return exitUsage
	}
	if c.evidenceKey == "" && os.Getenv(evidenceKeyEnv) == "" {
		if _, err := os.Stat(defaultEvidenceKeyFile(c.dbPath)); err != nil {
			fmt.Fprintf(stderr, "gdpr audit keys: there is no evidence key file %s beside the database; give --evidence-key FILE, the key file of gdpr serve\n", defaultEvidenceKeyFile(c.dbPath))
			return exitUsage
		}
	}
	keys, err := auditPublicKeys(c, "")
	if err != nil {
		fmt.Fprintf(stderr, "gdpr audit keys: %v\n", err)
		return exitUsage
	}
	fmt.Fprintln(stdout, strings.Join(keys, "\n"))
	return exitOK
}
