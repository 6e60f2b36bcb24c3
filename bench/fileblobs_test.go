package bench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/memstore"
)

// fileBlobs is the memory store with its blobs in files of dir, as a
// durable store keeps them: what an export holds in memory is then the
// processor's alone.
type fileBlobs struct {
	*memstore.Store
	dir string
}

var _ store.Store = fileBlobs{}

func (s fileBlobs) path(key string) string {
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(s.dir, hex.EncodeToString(sum[:]))
}

// PutBlob writes r to a temporary file and renames it over key's file.
func (s fileBlobs) PutBlob(ctx context.Context, key string, r io.Reader) (int64, error) {
	f, err := os.CreateTemp(s.dir, ".put-*")
	if err != nil {
		return 0, fmt.Errorf("bench: put blob: %w", err)
	}
	defer os.Remove(f.Name())
	n, err := io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), s.path(key))
	}
	if err != nil {
		return 0, fmt.Errorf("bench: put blob: %w", err)
	}
	return n, nil
}

// OpenBlob opens key's file.
func (s fileBlobs) OpenBlob(ctx context.Context, key string) (io.ReadCloser, error) {
	f, err := os.Open(s.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("bench: open blob %q: %w", key, gdpr.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("bench: open blob: %w", err)
	}
	return f, nil
}

// DeleteBlob removes key's file; a missing file is no error.
func (s fileBlobs) DeleteBlob(ctx context.Context, key string) error {
	if err := os.Remove(s.path(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("bench: delete blob: %w", err)
	}
	return nil
}
