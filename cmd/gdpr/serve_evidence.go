package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/server"
	"github.com/gdprkit/gdpr/store"
)

// evidenceKeyEnv holds the evidence key itself, for platforms that pass
// secrets in the environment; it wins over --evidence-key.
const evidenceKeyEnv = "GDPR_EVIDENCE_KEY"

func evidenceFlags(fs *flag.FlagSet, c *serveConfig) {
	fs.StringVar(&c.evidenceKey, "evidence-key", "", "file of the Ed25519 key signing audit checkpoints and receipts; default with --store sqlite: the database path with -evidence.key appended, created 0600 on first start; every replica of --store postgres needs the same one (GDPR_EVIDENCE_KEY_FILE, or the key itself in "+evidenceKeyEnv+")")
	fs.StringVar(&c.evidenceRetiredKeys, "evidence-retired-keys", "", "file of the public keys of the evidence keys --evidence-key replaced, one a line (or the keys themselves): the chain's last checkpoint signed by one of them is checked with it and the next one links to it, so that the chain stays one across a key rotation; served after the current key at "+server.PublicKeysPath+" (GDPR_EVIDENCE_RETIRED_KEYS)")
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

// evidenceOptions loads the key, the retired keys and the sink, checks
// that the key can go on signing every chain in st, and logs the keys'
// fingerprints, never a key.
func evidenceOptions(ctx context.Context, c *serveConfig, st store.Store, log *slog.Logger) ([]processor.Option, error) {
	k, where, err := loadEvidenceKey(c)
	if err != nil {
		return nil, err
	}
	var retired []string
	if c.evidenceRetiredKeys != "" {
		if retired, err = readPublicKeys(c.evidenceRetiredKeys); err != nil {
			return nil, fmt.Errorf("--evidence-retired-keys (GDPR_EVIDENCE_RETIRED_KEYS): %w", err)
		}
	}
	var sink evidence.Sink
	if c.checkpointSink != "" {
		sink = &evidence.FileSink{Path: c.checkpointSink}
	}
	if lg, ok := st.(evidence.Log); ok {
		err := (&evidence.Checkpointer{Log: lg, Key: k, Retired: retired}).CheckKeys(ctx)
		if errors.Is(err, evidence.ErrUnknownKey) {
			return nil, fmt.Errorf("%w (--evidence-retired-keys FILE or GDPR_EVIDENCE_RETIRED_KEYS: a file of public keys, one a line, "+
				"such as a server still running with that key serves at %s); or start again with --evidence-key naming the key that signed it", err, server.PublicKeysPath)
		}
		if err != nil {
			return nil, fmt.Errorf("evidence key: %w", err)
		}
	}
	log.Info("evidence key", "fingerprint", k.Fingerprint(), "from", where, "public_keys_path", server.PublicKeysPath)
	if len(retired) > 0 {
		fps := make([]string, len(retired))
		for i, r := range retired {
			fps[i] = evidence.Fingerprint(r)
		}
		log.Info("retired evidence keys: their checkpoints and receipts still verify, the chain goes on from the last they signed", "fingerprints", strings.Join(fps, ","))
	}
	return []processor.Option{processor.WithEvidence(k, sink), processor.WithRetiredEvidenceKeys(retired...)}, nil
}
