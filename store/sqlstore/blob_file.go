package sqlstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gdprkit/gdpr/processor"
)

// fileBlobs keeps each blob in a file of dir named by the SHA-256 of its
// key, so that no key can name a path outside dir. A put writes a
// temporary file, syncs it and renames it over the blob's file.
type fileBlobs struct {
	dir string
}

// tempPrefix starts the names of files being written.
const tempPrefix = ".put-"

func (b *fileBlobs) path(key string) string {
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(b.dir, hex.EncodeToString(sum[:]))
}

func (b *fileBlobs) put(ctx context.Context, key string, r io.Reader) (n int64, err error) {
	f, err := os.CreateTemp(b.dir, tempPrefix+"*")
	if err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if n, err = io.Copy(f, r); err != nil {
		return 0, err
	}
	if err = f.Sync(); err != nil {
		return 0, err
	}
	if err = f.Close(); err != nil {
		return 0, err
	}
	if err = os.Rename(f.Name(), b.path(key)); err != nil {
		return 0, err
	}
	return n, syncDir(b.dir)
}

func (b *fileBlobs) open(_ context.Context, key string) (io.ReadCloser, error) {
	f, err := os.Open(b.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, processor.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}

func (b *fileBlobs) delete(_ context.Context, key string) error {
	err := os.Remove(b.path(key))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// sweep removes files left by puts that were interrupted by a crash: those
// older than age, so that a put in flight in another process is spared.
func (b *fileBlobs) sweep(age time.Duration) error {
	entries, err := os.ReadDir(b.dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), tempPrefix) {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > age {
			os.Remove(filepath.Join(b.dir, e.Name()))
		}
	}
	return nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
