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
	"sync"
	"time"

	"github.com/gdprkit/gdpr"
)

// fileBlobs keeps each blob in a file of dir named by the SHA-256 of its
// key, so that no key can name a path outside dir. A put writes a
// temporary file and renames it over the blob's file; the file and the
// rename reach the disk at the next flush, which the Store runs before it
// commits any change, so that a blob is durable before anything recorded
// after it. A blob deleted before then is never synced at all.
type fileBlobs struct {
	dir string

	mu      sync.Mutex
	pending map[string]struct{} // paths renamed into place and not yet synced
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
	if err = f.Close(); err != nil {
		return 0, err
	}
	path := b.path(key)
	if err = os.Rename(f.Name(), path); err != nil {
		return 0, err
	}
	b.mu.Lock()
	if b.pending == nil {
		b.pending = map[string]struct{}{}
	}
	b.pending[path] = struct{}{}
	b.mu.Unlock()
	return n, nil
}

// flushers is how many files flush syncs at once.
const flushers = 8

// flush syncs the files of the puts that returned so far, then the
// directory that holds their names. On failure, the files stay pending for
// the next flush.
func (b *fileBlobs) flush(ctx context.Context) error {
	b.mu.Lock()
	pending := b.pending
	b.pending = nil
	b.mu.Unlock()
	if len(pending) == 0 {
		return nil
	}
	paths := make(chan string)
	errs := make(chan error, len(pending))
	var wg sync.WaitGroup
	for range min(flushers, len(pending)) {
		wg.Go(func() {
			for path := range paths {
				if err := syncFile(path); err != nil {
					errs <- err
				}
			}
		})
	}
	for path := range pending {
		paths <- path
	}
	close(paths)
	wg.Wait()
	close(errs)
	err := errors.Join(<-errs, ctx.Err())
	if err == nil {
		err = syncDir(b.dir)
	}
	if err != nil {
		b.mu.Lock()
		if b.pending == nil {
			b.pending = map[string]struct{}{}
		}
		for path := range pending {
			b.pending[path] = struct{}{}
		}
		b.mu.Unlock()
	}
	return err
}

// syncFile syncs the file at path; a file deleted meanwhile needs no sync.
func syncFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	err = f.Sync()
	return errors.Join(err, f.Close())
}

func (b *fileBlobs) open(_ context.Context, key string) (io.ReadCloser, error) {
	f, err := os.Open(b.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, gdpr.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}

func (b *fileBlobs) delete(_ context.Context, key string) error {
	path := b.path(key)
	b.mu.Lock()
	delete(b.pending, path)
	b.mu.Unlock()
	err := os.Remove(path)
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
