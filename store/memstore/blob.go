package memstore

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/gdprkit/gdpr/processor"
)

// PutBlob reads r to its end and stores what it yielded under key,
// replacing any blob there, and returns its size. The blob is held in
// memory, so it must fit there. When reading fails or ctx ends first,
// PutBlob returns the error and the blob under key, or its absence, is left
// as it was.
func (s *Store) PutBlob(ctx context.Context, key string, r io.Reader) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("memstore: put blob: %w", err)
	}
	var buf bytes.Buffer
	n, err := buf.ReadFrom(ctxReader{ctx, r})
	if err != nil {
		return 0, fmt.Errorf("memstore: put blob: %w", err)
	}
	b := buf.Bytes()
	if cap(b)-len(b) > len(b)/4 {
		b = bytes.Clone(b) // do not keep the buffer's growth room
	}
	s.blobMu.Lock()
	s.blobs[key] = b
	s.blobMu.Unlock()
	return n, nil
}

// OpenBlob opens the blob under key for reading, or returns an error
// matching processor.ErrNotFound. The reader sees the blob as it was when
// opened, even if it is replaced or deleted meanwhile.
func (s *Store) OpenBlob(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: open blob: %w", err)
	}
	s.blobMu.RLock()
	b, ok := s.blobs[key]
	s.blobMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("memstore: open blob %q: %w", key, processor.ErrNotFound)
	}
	return io.NopCloser(bytes.NewReader(b)), nil
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
