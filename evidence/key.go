package evidence

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// KeyName is the name evidence keys made by GenerateKey carry in their
// signatures.
const KeyName = "gdprkit-evidence"

// Key is an evidence signing key: a signer for checkpoints and receipts
// and the public key that checks them. It is safe for concurrent use.
type Key struct {
	signer note.Signer
	public string
}

// GenerateKey returns a new Ed25519 evidence key in the format of
// golang.org/x/mod/sumdb/note: the private key ("PRIVATE+KEY+...", to keep
// secret) and the public key (the verifier key, to publish).
func GenerateKey() (private, public string, err error) {
	private, public, err = note.GenerateKey(rand.Reader, KeyName)
	if err != nil {
		return "", "", fmt.Errorf("evidence: generate key: %w", err)
	}
	return private, public, nil
}

// ParseKey reads a private key as GenerateKey returns it.
func ParseKey(private string) (*Key, error) {
	private = strings.TrimSpace(private)
	s, err := note.NewSigner(private)
	if err != nil {
		return nil, errors.New("evidence: the evidence key is not a signing key in the format gdpr serve writes (PRIVATE+KEY+name+hash+key)")
	}
	// The public key is derived from the private one: its name and hash
	// come from the signer, the key bytes from the ed25519 seed.
	pub, err := publicFromPrivate(private)
	if err != nil {
		return nil, err
	}
	return &Key{signer: s, public: pub}, nil
}

// LoadOrCreateKey reads the private key in the file at path, or, when
// there is none, generates one and writes it there with mode 0600 (never
// replacing a file). created reports which.
func LoadOrCreateKey(path string) (k *Key, created bool, err error) {
	b, err := os.ReadFile(path)
	if err == nil {
		k, err := ParseKey(string(b))
		if err != nil {
			return nil, false, fmt.Errorf("%w (file %s)", err, path)
		}
		return k, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, fmt.Errorf("evidence: read key: %w", err)
	}
	private, _, err := GenerateKey()
	if err != nil {
		return nil, false, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("evidence: create key file: %w", err)
	}
	_, werr := f.WriteString(private + "\n")
	if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
		os.Remove(path)
		return nil, false, fmt.Errorf("evidence: write key file: %w", err)
	}
	k, err = ParseKey(private)
	return k, true, err
}

// PublicKey returns the key's public key, the verifier key of
// golang.org/x/mod/sumdb/note ("name+hash+base64"), which checks its
// checkpoints and receipts. It is not secret.
func (k *Key) PublicKey() string { return k.public }

// Fingerprint returns a short, stable name of the key's public key, safe
// to log: "SHA256:" and the unpadded base64 of the SHA-256 of the public
// key's bytes.
func (k *Key) Fingerprint() string { return Fingerprint(k.public) }

// Fingerprint returns the fingerprint of a public key, as Key.Fingerprint.
func Fingerprint(public string) string {
	// name+hash+base64: the name and hash hold no "+", the base64 may.
	parts := strings.SplitN(strings.TrimSpace(public), "+", 3)
	b64 := parts[len(parts)-1]
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		raw = []byte(public)
	}
	sum := sha256.Sum256(raw)
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}

// Verifier returns a verifier for the public key, or an error naming the
// expected format.
func Verifier(public string) (note.Verifier, error) {
	v, err := note.NewVerifier(strings.TrimSpace(public))
	if err != nil {
		return nil, errors.New("evidence: the public key is not a verifier key (name+hash+base64, as gdpr serve prints it)")
	}
	return v, nil
}

// publicFromPrivate derives the verifier key of a signer key
// ("PRIVATE+KEY+name+hash+base64(1 || seed)").
func publicFromPrivate(private string) (string, error) {
	parts := strings.SplitN(private, "+", 5)
	bad := errors.New("evidence: the evidence key is not an Ed25519 signing key")
	if len(parts) != 5 {
		return "", bad
	}
	raw, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != 1 {
		return "", bad
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	vkey, err := note.NewEd25519VerifierKey(parts[2], pub)
	if err != nil {
		return "", bad
	}
	return vkey, nil
}
