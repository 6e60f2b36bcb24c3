package sqlstore

import (
	"context"
	"fmt"
	"io"
)

// blobStore keeps the blobs of a Store: files for SQLite, chunked rows for
// PostgreSQL.
type blobStore interface {
	put(ctx context.Context, key string, r io.Reader) (int64, error)
	open(ctx context.Context, key string) (io.ReadCloser, error) // gdpr.ErrNotFound when missing
	delete(ctx context.Context, key string) error                // a missing blob is no error
	// flush makes every put that returned durable. The Store runs it
	// before it commits any change.
	flush(ctx context.Context) error
}

// PutBlob stores what r yields under key, replacing any blob there, and
// returns its size. It streams: only one chunk of r is held in memory at a
// time. The new blob replaces the old one only once r is read to its end;
// when reading fails or ctx ends first, PutBlob returns an error wrapping
// the cause and leaves the blob under key, or its absence, as it was.
func (s *Store) PutBlob(ctx context.Context, key string, r io.Reader) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("sqlstore: put blob: %w", err)
	}
	n, err := s.blobs.put(ctx, key, ctxReader{ctx, r})
	if err != nil {
		return 0, fmt.Errorf("sqlstore: put blob %q: %w", key, err)
	}
	return n, nil
}

// OpenBlob opens the blob under key for reading, or returns an error
// matching gdpr.ErrNotFound. The caller closes it. The reader reads
// lazily, a chunk at a time, under ctx. With SQLite it sees the blob as it
// was when opened even if it is replaced or deleted meanwhile; with
// PostgreSQL a read after the blob was replaced or deleted fails.
func (s *Store) OpenBlob(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: open blob: %w", err)
	}
	rc, err := s.blobs.open(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open blob %q: %w", key, err)
	}
	return rc, nil
}

// DeleteBlob removes the blob under key; a missing blob is no error.
func (s *Store) DeleteBlob(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlstore: delete blob: %w", err)
	}
	if err := s.blobs.delete(ctx, key); err != nil {
		return fmt.Errorf("sqlstore: delete blob %q: %w", key, err)
	}
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
