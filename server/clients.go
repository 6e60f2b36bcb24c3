package server

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Scopes a client may hold.
const (
	ScopeAll      = "gdpr"          // every route
	ScopeReadOnly = "gdpr:readonly" // the GET routes
)

// Client is one OAuth client of the server: its id, the hash of its secret,
// its organization and its scope.
type Client struct {
	ID string `json:"id"`
	// SecretHash is the secret as HashSecret wrote it; the secret itself is
	// never stored.
	SecretHash   string `json:"secretHash"`
	Organization string `json:"organization"`
	// Scope is ScopeAll or ScopeReadOnly.
	Scope string `json:"scope"`
}

// Clients is the set of OAuth clients a server accepts. It is safe for
// concurrent use. A set read by LoadClients follows its file (see
// LoadClients).
type Clients struct {
	mu   sync.RWMutex
	byID map[string]Client
	file *clientsWatch // nil unless read from a file
}

// clientsFile is the JSON form of a clients file.
type clientsFile struct {
	Clients []Client `json:"clients"`
}

// NewClients returns a set of the given clients, or an error naming the
// first invalid one.
func NewClients(cs ...Client) (*Clients, error) {
	c := &Clients{byID: map[string]Client{}}
	for i, cl := range cs {
		if err := c.add(cl); err != nil {
			return nil, fmt.Errorf("server: client %d: %w", i, err)
		}
	}
	return c, nil
}

// LoadClients reads a clients file:
//
//	{"clients": [
//	  {"id": "ops", "secretHash": "pbkdf2-sha256$...", "organization": "acme", "scope": "gdpr"}
//	]}
//
// Write secret hashes with HashSecret (gdpr hash-secret).
//
// The set follows the file: at most once a second (ClientsCheckEvery), a
// use of the set looks whether the file changed and, if it did, reads it
// again, so that a client added, removed or changed takes effect without
// a restart, and the tokens of a removed or changed client are refused at
// once (the server checks every token's client). A file that cannot be
// read again, or is not valid, leaves the clients read before in use, with
// a warning on the logger of WithClientsLogger.
func LoadClients(path string, opts ...ClientsOption) (*Clients, error) {
	w := &clientsWatch{path: path, now: time.Now, log: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		if err := o(w); err != nil {
			return nil, fmt.Errorf("server: clients file: %w", err)
		}
	}
	c, st, err := w.read()
	if err != nil {
		return nil, err
	}
	w.stat = st
	w.checked.Store(w.now().UnixNano())
	c.file = w
	return c, nil
}

// ReadClients reads a clients file's JSON from r.
func ReadClients(r io.Reader) (*Clients, error) {
	var cf clientsFile
	dec := json.NewDecoder(io.LimitReader(r, 16<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cf); err != nil {
		return nil, fmt.Errorf("server: clients file: %w", err)
	}
	return NewClients(cf.Clients...)
}

func (c *Clients) add(cl Client) error {
	switch {
	case cl.ID == "":
		return errors.New("id is empty")
	case cl.Scope != ScopeAll && cl.Scope != ScopeReadOnly:
		return fmt.Errorf("client %q: scope %q is not %q or %q", cl.ID, cl.Scope, ScopeAll, ScopeReadOnly)
	case strings.ContainsAny(cl.Organization, "|\n"):
		return fmt.Errorf("client %q: organization may not contain '|' or a newline", cl.ID)
	}
	if _, err := parseHash(cl.SecretHash); err != nil {
		return fmt.Errorf("client %q: secretHash: %w", cl.ID, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, dup := c.byID[cl.ID]; dup {
		return fmt.Errorf("client %q appears twice", cl.ID)
	}
	c.byID[cl.ID] = cl
	return nil
}

// Authenticate returns the client whose id and secret these are. An
// unknown id and a wrong secret take the same time and give the same
// error.
func (c *Clients) Authenticate(id, secret string) (Client, bool) {
	c.follow()
	c.mu.RLock()
	cl, ok := c.byID[id]
	c.mu.RUnlock()
	hash := cl.SecretHash
	if !ok {
		hash = dummyHash // spend the same work, so timing does not tell ids apart
	}
	match := verifySecret(hash, secret)
	return cl, ok && match
}

// HashIterations is the PBKDF2 work factor HashSecret uses.
const HashIterations = 210_000

// dummyHash is verified against when a client id is unknown.
const dummyHash = "pbkdf2-sha256$210000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

// HashSecret returns the PBKDF2-SHA256 hash of secret with a random salt,
// in the form a clients file stores: pbkdf2-sha256$ITERATIONS$SALT$HASH.
func HashSecret(secret string) (string, error) {
	return hashSecret(secret, HashIterations)
}

// HashSecretCost is HashSecret with the PBKDF2 iteration count given. Tests
// use a low count to run fast; production hashes use HashSecret.
func HashSecretCost(secret string, iterations int) (string, error) {
	if iterations < 1 || iterations > 10_000_000 {
		return "", fmt.Errorf("server: hash secret: %d iterations is not between 1 and 10,000,000", iterations)
	}
	return hashSecret(secret, iterations)
}

func hashSecret(secret string, iter int) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("server: hash secret: %w", err)
	}
	key, err := pbkdf2.Key(sha256.New, secret, salt, iter, 32)
	if err != nil {
		return "", fmt.Errorf("server: hash secret: %w", err)
	}
	enc := base64.RawStdEncoding
	return fmt.Sprintf("pbkdf2-sha256$%d$%s$%s", iter, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

type parsedHash struct {
	iter      int
	salt, key []byte
}

func parseHash(h string) (parsedHash, error) {
	parts := strings.Split(h, "$")
	if len(parts) != 4 || parts[0] != "pbkdf2-sha256" {
		return parsedHash{}, errors.New("not a pbkdf2-sha256 hash; write one with 'gdpr hash-secret'")
	}
	iter, err := strconv.Atoi(parts[1])
	if err != nil || iter < 1 || iter > 10_000_000 {
		return parsedHash{}, errors.New("iteration count is not a number between 1 and 10,000,000")
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[2])
	key, err2 := enc.DecodeString(parts[3])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) != 32 {
		return parsedHash{}, errors.New("salt or hash is not valid base64 of the right length")
	}
	return parsedHash{iter, salt, key}, nil
}

func verifySecret(hash, secret string) bool {
	p, err := parseHash(hash)
	if err != nil {
		return false
	}
	key := pbkdf2SHA256(secret, p.salt, p.iter, len(p.key))
	return subtle.ConstantTimeCompare(key, p.key) == 1
}
