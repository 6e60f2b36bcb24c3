package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/server"
)

// evidenceKeyEnv holds the evidence key itself, for platforms that pass
// secrets in the environment; it wins over --evidence-key.
const evidenceKeyEnv = "GDPR_EVIDENCE_KEY"

func evidenceFlags(fs *flag.FlagSet, c *serveConfig) {
	fs.StringVar(&c.evidenceKey, "evidence-key", "", "file of the Ed25519 key signing audit checkpoints and receipts; default with --store sqlite: the database path with -evidence.key appended, created 0600 on first start; every replica of --store postgres needs the same one (GDPR_EVIDENCE_KEY_FILE, or the key itself in "+evidenceKeyEnv+")")
	fs.StringVar(&c.checkpointSink, "checkpoint-sink", "", "file, ideally on another disk or host, to which every signed checkpoint is also appended, so that whoever can rewrite the database cannot also rewrite the proof (GDPR_CHECKPOINT_SINK)")
}

// defaultEvidenceKeyFile is where gdpr serve keeps the evidence key of a
// SQLite store, and gdpr audit verify looks for it.
func defaultEvidenceKeyFile(dbPath string) string { return dbPath + "-evidence.key" }

// loadEvidenceKey returns gdpr serve's evidence key: GDPR_EVIDENCE_KEY,
// else --evidence-key (created if missing), else the file beside a SQLite
// database (created if missing), else, for a memory store, a key that
// lives as long as the process.
func loadEvidenceKey(c *serveConfig) (k *evidence.Key, where string, err error) {
	if v := os.Getenv(evidenceKeyEnv); v != "" {
		k, err := evidence.ParseKey(v)
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", evidenceKeyEnv, err)
		}
		return k, evidenceKeyEnv, nil
	}
	path := c.evidenceKey
	switch {
	case path != "":
	case c.store == "sqlite":
		path = defaultEvidenceKeyFile(c.dbPath)
	case c.store == "memory":
		priv, _, err := evidence.GenerateKey()
		if err != nil {
			return nil, "", err
		}
		k, err := evidence.ParseKey(priv)
		return k, "memory (lost on exit, as the store is)", err
	default:
		return nil, "", errors.New("--store postgres needs --evidence-key FILE (or " + evidenceKeyEnv + "): the same evidence key on every replica, so that their checkpoints form one chain")
	}
	k, created, err := evidence.LoadOrCreateKey(path)
	if err != nil {
		return nil, "", fmt.Errorf("--evidence-key: %w", err)
	}
	if created {
		return k, path + " (created)", nil
	}
	return k, path, nil
}

// evidenceOptions loads the key and sink and logs the public key and its
// fingerprint, never the private key.
func evidenceOptions(c *serveConfig, log *slog.Logger) (processor.Option, error) {
	k, where, err := loadEvidenceKey(c)
	if err != nil {
		return nil, err
	}
	var sink evidence.Sink
	if c.checkpointSink != "" {
		sink = &evidence.FileSink{Path: c.checkpointSink}
	}
	log.Info("evidence key", "fingerprint", k.Fingerprint(), "from", where, "public_key_path", server.PublicKeyPath)
	log.Info("evidence public key (checks checkpoints and receipts: gdpr audit verify, gdpr receipt verify)", "public_key", k.PublicKey())
	return processor.WithEvidence(k, sink), nil
}

// readPublicKey reads a public key given as the key itself or as a file
// holding it.
func readPublicKey(v string) (string, error) {
	if _, err := evidence.Verifier(v); err == nil {
		return strings.TrimSpace(v), nil
	}
	b, err := os.ReadFile(v)
	if err != nil {
		return "", fmt.Errorf("the public key is neither a key (name+hash+base64, as gdpr serve prints it) nor a readable file: %w", err)
	}
	pub := strings.TrimSpace(string(b))
	if _, err := evidence.Verifier(pub); err != nil {
		return "", fmt.Errorf("file %s: %w", v, err)
	}
	return pub, nil
}
