package httpadapter

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"
)

// secretCheckEvery is how often an Adapter made by NewFromSecretFile reads
// its secret file again.
const secretCheckEvery = time.Second

// fileSecret is a secret kept in a file and read again at most once per
// secretCheckEvery, so that it can be replaced without restarting the
// process: a mounted secret that its orchestrator updates, say. A file
// that cannot be read again, or holds too short a secret, leaves the
// secret read before in use, with a warning (once per distinct problem).
type fileSecret struct {
	path string
	now  func() time.Time
	log  *slog.Logger
	name string // the adapter's, for the log

	mu      sync.Mutex
	secret  []byte
	checked time.Time
	problem string // the last problem warned of, "" when none
}

// readSecretFile reads the secret in path: the file's content without
// its trailing line breaks.
func readSecretFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	b = bytes.TrimRight(b, "\r\n")
	if len(b) < MinSecretLen {
		return nil, fmt.Errorf("the secret in %s is %d bytes; it must be %d or more", path, len(b), MinSecretLen)
	}
	return b, nil
}

// get returns the secret to sign with now.
func (f *fileSecret) get() []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	if now.Sub(f.checked) < secretCheckEvery {
		return f.secret
	}
	f.checked = now
	secret, err := readSecretFile(f.path)
	if err != nil {
		if p := err.Error(); p != f.problem {
			f.problem = p
			f.log.Warn("httpadapter: the secret file cannot be used; signing with the secret read before",
				"adapter", f.name, "err", p)
		}
		return f.secret
	}
	f.problem = ""
	if !bytes.Equal(secret, f.secret) {
		f.secret = secret
		f.log.Info("httpadapter: signing with the new secret of the secret file", "adapter", f.name)
	}
	return f.secret
}
