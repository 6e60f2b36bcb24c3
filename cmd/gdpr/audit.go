package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store"
)

// cmdAudit: gdpr audit verify — checks the hash chain of a store's audit
// log and reports the first broken link.
func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const usage = "Usage: gdpr audit verify [--store sqlite --db FILE | --store postgres --postgres DSN] [--org ORG]\n"
	if len(args) == 0 || args[0] != "verify" {
		return subUsage(args, stdout, stderr, usage+"  check the hash chain of a store's audit log (gdpr audit verify -h for flags)\n")
	}
	fs := flag.NewFlagSet("gdpr audit verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &serveConfig{}
	fs.StringVar(&c.store, "store", "sqlite", "request store: sqlite or postgres (GDPR_STORE)")
	fs.StringVar(&c.dbPath, "db", "gdpr.db", "SQLite database file (GDPR_DB)")
	fs.StringVar(&c.postgresDSN, "postgres", "", "PostgreSQL DSN (GDPR_POSTGRES_DSN)")
	org := fs.String("org", "", "the organization whose chain to check (each has its own)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	if err := applyEnv(fs); err != nil {
		fmt.Fprintf(stderr, "gdpr audit verify: %v\n", err)
		return exitUsage
	}
	pos, code, ok := parseFlags(fs, args[1:], stdout)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		fmt.Fprintf(stderr, "gdpr audit verify: unexpected arguments %q (gdpr audit verify -h)\n", pos)
		return exitUsage
	}
	if c.store == "memory" {
		fmt.Fprintln(stderr, "gdpr audit verify: a memory store ends with its process; verify a sqlite or postgres store")
		return 2
	}
	if c.store == "sqlite" {
		// Verifying reads: it never creates the database it was asked
		// to check.
		if _, err := os.Stat(c.dbPath); err != nil {
			fmt.Fprintf(stderr, "gdpr audit verify: SQLite store %s does not exist; give --db the file gdpr serve writes (GDPR_DB)\n", c.dbPath)
			return exitUsage
		}
	}
	st, closeStore, err := openStore(ctx, c)
	if err != nil {
		fmt.Fprintf(stderr, "gdpr audit verify: %v\n", err)
		return 1
	}
	defer closeStore()
	n, err := processor.VerifyStore(ctx, st, *org)
	var ce *store.ChainError
	switch {
	case errors.As(err, &ce):
		fmt.Fprintf(stdout, "BROKEN: %d events verified, then event %d: %s\n", n, ce.Seq, ce.Reason)
		return 1
	case err != nil:
		fmt.Fprintf(stderr, "gdpr audit verify: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%d events of organization %q, hash chain verified\n", n, *org)
	return 0
}
