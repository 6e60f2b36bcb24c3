package memstore

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/store"
)

// Blobs are held in pieces that start at firstChunk bytes and double up
// to maxChunk: a small blob costs little, and a large one takes its own
// size in memory plus at most one piece while it is read, never the
// doubling room of one growing buffer.
const (
	firstChunk = 4 << 10
	maxChunk   = 256 << 10
)

// PutBlob reads r to its end and stores what it yielded under key,
// replacing any blob there, and returns its size. The blob is held in
// memory, in chunks, so it must fit there. When reading fails or ctx ends
// first, PutBlob returns the error and the blob under key, or its
// absence, is left as it was.
func (s *Store) PutBlob(ctx context.Context, key string, r io.Reader) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("memstore: put blob: %w", err)
	}
	var chunks [][]byte
	var n int64
	cr := ctxReader{ctx, r}
	for size := firstChunk; ; size = min(2*size, maxChunk) {
		c := make([]byte, size)
		m, err := io.ReadFull(cr, c)
		if m > 0 {
			if m < len(c) {
				c = bytes.Clone(c[:m]) // do not keep the rest of the chunk
			}
			chunks = append(chunks, c)
			n += int64(m)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return 0, fmt.Errorf("memstore: put blob: %w", err)
		}
	}
	s.blobMu.Lock()
	s.blobs[key] = chunks
	s.blobMu.Unlock()
	return n, nil
}

// OpenBlob opens the blob under key for reading, or returns an error
// matching gdpr.ErrNotFound. The reader sees the blob as it was when
// opened, even if it is replaced or deleted meanwhile.
func (s *Store) OpenBlob(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: open blob: %w", err)
	}
	s.blobMu.RLock()
	b, ok := s.blobs[key]
	s.blobMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("memstore: open blob %q: %w", key, gdpr.ErrNotFound)
	}
	readers := make([]io.Reader, len(b))
	for i, c := range b {
		readers[i] = bytes.NewReader(c)
	}
	return io.NopCloser(io.MultiReader(readers...)), nil
}

// DeleteBlob removes the blob under key; a missing blob is no error.
func (s *Store) DeleteBlob(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memstore: delete blob: %w", err)
	}
	s.blobMu.Lock()
	delete(s.blobs, key)
	s.blobMu.Unlock()
	return nil
}

// ctxReader reads from r until ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// UpdateWithBlob is Update, which also stores data under key, replacing
// any blob there, in the same step: when it returns an error, neither
// the job nor the blob has changed.
func (s *Store) UpdateWithBlob(ctx context.Context, job *store.Job, key string, data []byte, evs ...store.Event) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memstore: update: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.updateLocked(job, evs); err != nil {
		return err
	}
	var chunks [][]byte
	if len(data) > 0 {
		chunks = [][]byte{bytes.Clone(data)}
	}
	s.blobMu.Lock()
	s.blobs[key] = chunks
	s.blobMu.Unlock()
	return nil
}
