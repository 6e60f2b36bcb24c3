package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/server"
	"github.com/gdprkit/gdpr/store"
)

// keyPrefix is the "name+hash" beginning of a public key, as signatures
// and error messages name the key.
func keyPrefix(public string) string {
	name, rest, _ := strings.Cut(public, "+")
	hash, _, _ := strings.Cut(rest, "+")
	return name + "+" + hash
}

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// rotated is what signWith signed.
type rotated struct {
	last        *store.Checkpoint
	receipt     []byte
	consistency []byte
}

// signWith runs a processor signing with key, the keys in retired being
// retired, on the SQLite store of d: n export requests of acme, then a
// checkpoint. It returns that checkpoint, the receipt of the last
// request and, when proofFrom > 0, the consistency proof from checkpoint
// proofFrom to the new one.
func signWith(t *testing.T, d auditDB, key *evidence.Key, retired []string, n int, proofFrom int64) rotated {
	t.Helper()
	st := d.open(t)
	defer st.Close()
	as, err := demo.ProcessorAdapters()
	if err != nil {
		t.Fatal(err)
	}
	p, err := processor.New(st, as, processor.WithEvidence(key, nil), processor.WithRetiredEvidenceKeys(retired...))
	if err != nil {
		t.Fatal(err)
	}
	ctx := gdpr.ContextWithOrganization(context.Background(), "acme")
	var id string
	for range n {
		req, err := p.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestExport,
			Subject: gdpr.Subject{EmailAddresses: []string{demo.SamRiveraEmail}}})
		if err != nil {
			t.Fatal(err)
		}
		id = req.ID
		testkit.Drain(t, p)
	}
	var r rotated
	if r.last, err = p.Checkpoint(ctx); err != nil {
		t.Fatalf("Checkpoint with key %s: %v", key.Fingerprint(), err)
	}
	if r.receipt, err = p.Receipt(ctx, id); err != nil {
		t.Fatal(err)
	}
	if proofFrom > 0 {
		if r.consistency, err = p.Consistency(ctx, proofFrom, r.last.Seq); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// The rotation procedure of the README, on SQLite: a server signs with
// key A; restarted with key B alone it refuses, saying what to pass;
// with A's public key retired it serves both keys, logs fingerprints
// only, and signs on; audit verify, receipt verify and audit consistency
// accept what either key signed given both, and nothing a third key
// signed.
func TestEvidenceKeyRotationCommands(t *testing.T) {
	dir := t.TempDir()
	aFile, bFile := filepath.Join(dir, "a.key"), filepath.Join(dir, "b.key")
	a, _, err := evidence.LoadOrCreateKey(aFile)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := evidence.LoadOrCreateKey(bFile)
	if err != nil {
		t.Fatal(err)
	}
	d := sqliteAuditDB(t)
	fillAudit(t, d, a)
	underA := signWith(t, d, a, nil, 1, 0)

	// Started with B alone, gdpr serve refuses before listening.
	clients := writeClients(t, "ops", "a-long-test-secret")
	cfg := &serveConfig{addr: "127.0.0.1:0", clients: clients, demoData: true, store: "sqlite", dbPath: d.args[3], workers: 1, evidenceKey: bFile}
	quiet, _ := newLogger(io.Discard, "error")
	err = serve(context.Background(), cfg, quiet, nil)
	for _, want := range []string{"--evidence-retired-keys FILE", "GDPR_EVIDENCE_RETIRED_KEYS", keyPrefix(a.PublicKey()), server.PublicKeysPath} {
		if !errors.Is(err, evidence.ErrUnknownKey) || !strings.Contains(err.Error(), want) {
			t.Errorf("serve with the new key alone = %v; want a refusal saying %q", err, want)
		}
	}

	// Given A's public key as retired (here through the environment, as
	// a platform passes it), it starts and serves both keys.
	// The key about to be retired, kept offline from its key file: its
	// public key alone.
	code, out, errOut := gdprCmd(t, "audit", "keys", "--evidence-key", aFile)
	if code != 0 || out != a.PublicKey()+"\n" {
		t.Fatalf("audit keys: exit %d %q, want the public key alone\n%s", code, out, errOut)
	}
	pubA := writeFile(t, dir, "retired.pub", out)
	if code, _, errOut := gdprCmd(t, "audit", "keys", "--db", filepath.Join(dir, "none.db")); code != exitUsage || !strings.Contains(errOut, "give --evidence-key FILE") {
		t.Errorf("audit keys without a key file: exit %d, want %d saying what to give\n%s", code, exitUsage, errOut)
	}
	t.Setenv("GDPR_EVIDENCE_RETIRED_KEYS", pubA)
	fs, c := serveFlags(io.Discard)
	if err := applyEnv(fs); err != nil || c.evidenceRetiredKeys != pubA {
		t.Fatalf("GDPR_EVIDENCE_RETIRED_KEYS sets --evidence-retired-keys to %q (%v)", c.evidenceRetiredKeys, err)
	}
	cfg.evidenceRetiredKeys = c.evidenceRetiredKeys
	var logs bytes.Buffer
	log, _ := newLogger(&logs, "info")
	addr, stop := runServeLogged(t, cfg, log)
	var body string
	code, body = httpGet(t, "http://"+addr+server.PublicKeyPath)
	if code != 200 || body != b.PublicKey()+"\n" {
		t.Errorf("the key route = %d %q; want the new key alone", code, body)
	}
	code, body = httpGet(t, "http://"+addr+server.PublicKeysPath)
	if code != 200 || body != b.PublicKey()+"\n"+a.PublicKey()+"\n" {
		t.Errorf("the keys route = %d %q; want the new key, then the old one", code, body)
	}
	stop()
	for _, fp := range []string{a.Fingerprint(), b.Fingerprint()} {
		if !strings.Contains(logs.String(), fp) {
			t.Errorf("the log lacks the fingerprint %s:\n%s", fp, logs.String())
		}
	}
	for _, pub := range []string{a.PublicKey(), b.PublicKey()} {
		if strings.Contains(logs.String(), pub[len(keyPrefix(pub))+1:]) {
			t.Errorf("the log holds a key itself:\n%s", logs.String())
		}
	}
	t.Setenv("GDPR_EVIDENCE_RETIRED_KEYS", "")
	os.Unsetenv("GDPR_EVIDENCE_RETIRED_KEYS")

	underB := signWith(t, d, b, []string{a.PublicKey()}, 2, underA.last.Seq)
	st := d.open(t)
	head, _, err := st.ChainHead(context.Background(), "acme")
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	both := writeFile(t, dir, "keys.pub", b.PublicKey()+"\n"+a.PublicKey()+"\n")
	onlyB := writeFile(t, dir, "b.pub", b.PublicKey()+"\n")
	fpA, fpB := a.Fingerprint()+" (retired)", b.Fingerprint()
	verify := append([]string{"audit", "verify"}, d.args...)
	wantAcme := fmt.Sprintf(`"acme": %d events verified, %d checkpoints signed by the keys (1 to %d: %s; %d to %d: %s), the newest signing events 1 to %d`,
		head, underB.last.Seq, underA.last.Seq, fpA, underA.last.Seq+1, underB.last.Seq, fpB, head)
	for name, args := range map[string][]string{
		"--public-key with both keys":                {"--all", "--public-key", both},
		"--evidence-key and --evidence-retired-keys": {"--all", "--evidence-key", bFile, "--evidence-retired-keys", pubA},
	} {
		code, out, errOut := gdprCmd(t, append(verify, args...)...)
		if code != 0 || !strings.Contains(out, wantAcme) || !strings.Contains(out, `"globex": 7 events verified, 1 checkpoints signed by the keys (1 to 1: `+fpA+")") ||
			!strings.Contains(out, "checking against the evidence key "+b.Fingerprint()+" and the retired keys "+a.Fingerprint()) {
			t.Errorf("audit verify, %s: exit %d, want 0 and\n%s\n%s%s", name, code, wantAcme, out, errOut)
		}
	}
	code, out, errOut = gdprCmd(t, append(verify, "--org", "acme", "--public-key", onlyB)...)
	if code != 1 || !strings.Contains(out, "BROKEN") || !strings.Contains(out, "checkpoint 1:") || !strings.Contains(out, "not signed by the evidence key") ||
		!strings.Contains(out, keyPrefix(a.PublicKey())) || !strings.Contains(out, server.PublicKeysPath) {
		t.Errorf("audit verify with the new key alone: exit %d, want 1 naming checkpoint 1 and the old key\n%s%s", code, out, errOut)
	}

	receiptA := writeFile(t, dir, "receipt-a.txt", string(underA.receipt))
	receiptB := writeFile(t, dir, "receipt-b.txt", string(underB.receipt))
	for file, signer := range map[string]string{receiptA: fpA, receiptB: fpB} {
		if code, out, errOut := gdprCmd(t, "receipt", "verify", "--key", both, file); code != 0 || !strings.Contains(out, "valid receipt, signed by "+signer+":") {
			t.Errorf("receipt verify with both keys: exit %d, want 0 signed by %s\n%s%s", code, signer, out, errOut)
		}
	}
	// The keys themselves, as "$(curl -s $API/api/v2/gdpr/evidence/keys)" gives them.
	if code, out, errOut := gdprCmd(t, "receipt", "verify", "--key", b.PublicKey()+"\n"+a.PublicKey()+"\n", receiptA); code != 0 {
		t.Errorf("receipt verify with both keys given as text: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, _ := gdprCmd(t, "receipt", "verify", "--key", onlyB, receiptA); code != 1 || !strings.Contains(out, "NOT VALID") {
		t.Errorf("receipt verify of the old key's receipt with the new key alone: exit %d\n%s", code, out)
	}

	proof := writeFile(t, dir, "proof.json", string(underB.consistency))
	code, out, errOut = gdprCmd(t, "audit", "consistency", "--key", both, "--held", receiptA, proof)
	if !strings.Contains(out, "across a key rotation: the newer signed by "+fpB+", the older by "+fpA) || code != 0 {
		t.Errorf("audit consistency across the rotation: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, _ := gdprCmd(t, "audit", "consistency", "--key", onlyB, proof); code != 1 || !strings.Contains(out, "NOT VALID") {
		t.Errorf("audit consistency with the new key alone: exit %d\n%s", code, out)
	}

	// A third key, listed nowhere, signs on: audit verify catches it.
	c3, _, err := evidence.LoadOrCreateKey(filepath.Join(dir, "c.key"))
	if err != nil {
		t.Fatal(err)
	}
	signWith(t, d, c3, []string{a.PublicKey(), b.PublicKey()}, 1, 0)
	code, out, errOut = gdprCmd(t, append(verify, "--org", "acme", "--public-key", both)...)
	if code != 1 || !strings.Contains(out, fmt.Sprintf("signature, checkpoint %d:", underB.last.Seq+1)) || !strings.Contains(out, keyPrefix(c3.PublicKey())) {
		t.Errorf("audit verify over a checkpoint of an unlisted key: exit %d, want 1 naming checkpoint %d and its key\n%s%s", code, underB.last.Seq+1, out, errOut)
	}
}
