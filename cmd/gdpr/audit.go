package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/server"
	"github.com/gdprkit/gdpr/store/sqlstore"
)

const auditUsage = "Usage: gdpr audit verify [--store sqlite --db FILE | --store postgres --postgres DSN] (--org ORG | --all) [--public-key KEY|FILE] [--checkpoints FILE]"

// cmdAudit: gdpr audit verify — checks organizations' audit chains against
// their signed checkpoints and the evidence public key, opening the store
// read-only. It exits 0 only when it checked something and all of it
// held; 1 when something does not hold or there was nothing to check; 2
// for a usage error.
func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "consistency" {
		return cmdAuditConsistency(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "keys" {
		return cmdAuditKeys(args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "verify" {
		return subUsage(args, stdout, stderr, auditUsage+"\n  check organizations' audit chains against their signed checkpoints (gdpr audit verify -h for flags)\n"+
			consistencyUsage+"\n  check offline that a newer checkpoint extends an older one (a proof from GET /api/v2/gdpr/evidence/consistency?old=N&new=M)\n"+
			auditKeysUsage+"\n  print gdpr serve's evidence public keys, current first, one a line (a key file for the verify commands, or --evidence-retired-keys)\n")
	}
	fs := flag.NewFlagSet("gdpr audit verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &serveConfig{}
	fs.StringVar(&c.store, "store", "sqlite", "request store: sqlite or postgres (GDPR_STORE)")
	fs.StringVar(&c.dbPath, "db", "gdpr.db", "SQLite database file, opened read-only (GDPR_DB)")
	fs.StringVar(&c.postgresDSN, "postgres", "", "PostgreSQL DSN (GDPR_POSTGRES_DSN)")
	org := fs.String("org", "", "the organization whose chain to check (each has its own)")
	all := fs.Bool("all", false, "check every organization in the store")
	pubFlag := fs.String("public-key", "", publicKeysHelp+"; default: derived from --evidence-key, or the key file beside a SQLite database (GDPR_EVIDENCE_PUBLIC_KEY)")
	fs.StringVar(&c.evidenceKey, "evidence-key", "", "the evidence key file of gdpr serve, read to derive the public key (GDPR_EVIDENCE_KEY_FILE)")
	fs.StringVar(&c.evidenceRetiredKeys, "evidence-retired-keys", "", "gdpr serve's file of retired evidence public keys, one a line, checked against too (GDPR_EVIDENCE_RETIRED_KEYS)")
	maxUnsigned := fs.Duration("max-unsigned", 0, "fail when an event older than this is signed by no checkpoint (gdpr serve signs within a minute of a change); 0 reports them only")
	external := fs.String("checkpoints", "", "a file of checkpoints kept outside the store (gdpr serve --checkpoint-sink): each must be in the store, unchanged")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), auditUsage)
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
		fmt.Fprintf(stderr, "gdpr audit verify: unexpected arguments %q\n%s\n", pos, auditUsage)
		return exitUsage
	}
	if (*org == "") == !*all {
		fmt.Fprintf(stderr, "gdpr audit verify: name the organization with --org ORG, or check them all with --all\n%s\n", auditUsage)
		return exitUsage
	}
	st, err := openStoreReadOnly(ctx, c)
	if err != nil {
		fmt.Fprintf(stderr, "gdpr audit verify: %v\n", err)
		return 1
	}
	defer st.Close()
	keys, err := auditPublicKeys(c, *pubFlag)
	if err != nil {
		fmt.Fprintf(stderr, "gdpr audit verify: %v\n", err)
		return exitUsage
	}
	v, err := evidence.Verifier(keys[0])
	if err != nil {
		fmt.Fprintf(stderr, "gdpr audit verify: %v\n", err)
		return exitUsage
	}
	opt := evidence.VerifyOptions{Retired: keys[1:]}
	if *external != "" {
		if opt.External, err = evidence.ReadFileSink(*external); err != nil {
			fmt.Fprintf(stderr, "gdpr audit verify: %v\n", err)
			return exitUsage
		}
	}
	orgs := []string{*org}
	if *all {
		if orgs, err = st.Organizations(ctx); err != nil {
			fmt.Fprintf(stderr, "gdpr audit verify: %v\n", err)
			return 1
		}
		if len(orgs) == 0 {
			fmt.Fprintln(stderr, "gdpr audit verify: the store holds no audit events of any organization: nothing to verify")
			return 1
		}
	}
	fmt.Fprintf(stdout, "checking against %s\n", keysLine(keys))
	code = exitOK
	for _, o := range orgs {
		rep, err := evidence.Verify(ctx, st, v, o, opt)
		var ee *evidence.Error
		switch {
		case errors.As(err, &ee):
			fmt.Fprintf(stdout, "BROKEN %q: %s", o, ee.Kind)
			if ee.Seq > 0 {
				fmt.Fprintf(stdout, " at event %d", ee.Seq)
			}
			if ee.Checkpoint > 0 {
				fmt.Fprintf(stdout, ", checkpoint %d", ee.Checkpoint)
			}
			fmt.Fprintf(stdout, ": %s (%d events verified before it)\n", ee.Reason, rep.Events)
			if ee.Kind == evidence.KindSignature {
				fmt.Fprintf(stdout, "  a checkpoint signed by a key the operator retired verifies once its public key is given too: --public-key FILE, one key a line (the server lists its current and retired keys at %s)\n", server.PublicKeysPath)
			}
			code = 1
		case errors.Is(err, evidence.ErrNoEvents):
			known, _ := st.Organizations(ctx)
			fmt.Fprintf(stderr, "gdpr audit verify: organization %q has no audit events in this store: nothing to verify; organizations here: %s (or use --all)\n",
				o, orDash(known))
			code = 1
		case err != nil:
			fmt.Fprintf(stderr, "gdpr audit verify: %v\n", err)
			code = 1
		default:
			fmt.Fprintf(stdout, "%q: %d events verified, %d checkpoints signed by %s, the newest signing events 1 to %d", o, rep.Events, rep.Checkpoints, signers(rep.Keys, keys), rep.Covered)
			if n := rep.Events - rep.Covered; n > 0 {
				fmt.Fprintf(stdout, "; the %d events after it, the first of %s, hold together but no checkpoint signs them yet", n, rep.UnsignedSince.UTC().Format(time.RFC3339))
			}
			fmt.Fprintln(stdout)
			if old := time.Since(rep.UnsignedSince); !rep.UnsignedSince.IsZero() && *maxUnsigned > 0 && old > *maxUnsigned {
				fmt.Fprintf(stdout, "BROKEN %q: %s at event %d: no checkpoint signs it %s after it was written, more than --max-unsigned %s: the server stopped signing, or checkpoints were deleted (compare with --checkpoints)\n",
					o, evidence.KindUnsigned, rep.Covered+1, old.Round(time.Second), *maxUnsigned)
				code = 1
			}
		}
	}
	return code
}

func orDash(ss []string) string {
	if len(ss) == 0 {
		return "none"
	}
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// auditPublicKeys finds the public keys gdpr audit verify checks
// against, the current one first: --public-key, else GDPR_EVIDENCE_KEY or
// --evidence-key's private key, else the key file beside a SQLite
// database, if there is one (it is never created); then the retired keys
// of --evidence-retired-keys.
func auditPublicKeys(c *serveConfig, flagValue string) ([]string, error) {
	keys, err := auditPublicKey(c, flagValue)
	if err != nil {
		return nil, err
	}
	if c.evidenceRetiredKeys != "" {
		retired, err := readPublicKeys(c.evidenceRetiredKeys)
		if err != nil {
			return nil, fmt.Errorf("--evidence-retired-keys (GDPR_EVIDENCE_RETIRED_KEYS): %w", err)
		}
		keys = joinKeys(keys, retired)
	}
	return keys, nil
}

// auditPublicKey is auditPublicKeys before the retired keys.
func auditPublicKey(c *serveConfig, flagValue string) ([]string, error) {
	if flagValue != "" {
		return readPublicKeys(flagValue)
	}
	if v := os.Getenv(evidenceKeyEnv); v != "" {
		k, err := evidence.ParseKey(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", evidenceKeyEnv, err)
		}
		return []string{k.PublicKey()}, nil
	}
	needed := errors.New("the evidence public key is needed: give --public-key KEY or FILE (gdpr serve serves its keys at " + server.PublicKeysPath + ")")
	path := c.evidenceKey
	if path == "" && c.store == "sqlite" {
		path = defaultEvidenceKeyFile(c.dbPath)
		if _, err := os.Stat(path); err != nil {
			return nil, needed
		}
	}
	if path == "" {
		return nil, needed
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--evidence-key: %w", err)
	}
	k, err := evidence.ParseKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("--evidence-key %s: %w", path, err)
	}
	return []string{k.PublicKey()}, nil
}

// signers says which of keys signed the checkpoints spans counts: "the
// key" when the current one signed them all, else each run's numbers and
// key, e.g. "the keys (1 to 3: SHA256:… (retired); 4 to 6: SHA256:…)".
func signers(spans []evidence.KeySpan, keys []string) string {
	if len(spans) == 0 || len(spans) == 1 && keyByID(spans[0].Key, keys) == keys[0] {
		return "the key"
	}
	parts := make([]string, len(spans))
	for i, s := range spans {
		parts[i] = fmt.Sprintf("%d to %d: %s", s.First, s.Last, keyName(keyByID(s.Key, keys), keys))
	}
	return "the keys (" + strings.Join(parts, "; ") + ")"
}

// openStoreReadOnly opens the store of c read-only: a SQLite file that
// does not exist is refused, never created.
func openStoreReadOnly(ctx context.Context, c *serveConfig) (*sqlstore.Store, error) {
	switch c.store {
	case "sqlite":
		// Verifying reads: it never creates the database it was asked
		// to check.
		if _, err := os.Stat(c.dbPath); err != nil {
			return nil, fmt.Errorf("SQLite store %s does not exist; give --db the file gdpr serve writes (GDPR_DB)", c.dbPath)
		}
		return sqlstore.OpenSQLiteReadOnly(ctx, c.dbPath)
	case "postgres":
		if c.postgresDSN == "" {
			return nil, errors.New("--store postgres needs --postgres DSN (GDPR_POSTGRES_DSN)")
		}
		return sqlstore.OpenPostgresReadOnly(ctx, c.postgresDSN, "")
	case "memory":
		return nil, errors.New("a memory store ends with its process; verify a sqlite or postgres store")
	}
	return nil, fmt.Errorf("--store %q is not known; use sqlite or postgres", c.store)
}
