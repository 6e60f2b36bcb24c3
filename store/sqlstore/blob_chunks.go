package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/gdprkit/gdpr"
)

// chunkSize is how many bytes of a blob one row of blob_chunks holds.
const chunkSize = 256 << 10

// chunkBlobs keeps blobs in the database, as rows of blob_chunks. Each put
// writes a new generation of chunks and, once the stream has ended, points
// the key's row of blobs at it and deletes the generation it replaced, in
// one transaction. No connection is held while the stream is read, since
// the stream may itself read blobs (an archive packing its parts).
//
// Blob writes commit without waiting for the write-ahead log to reach the
// disk (synchronous_commit off, for their transactions only). A server
// crash may lose the latest of them, each whole or not at all, but never
// one that a synchronous commit followed: the log is flushed in order, so
// the next Create or Update to commit makes every blob written before it
// durable. That is what flush relies on.
type chunkBlobs struct {
	s *Store
	// bufs holds chunk buffers (*[]byte of chunkSize) between puts: an
	// archive is often a few kilobytes, and a new buffer for each would
	// make most of the garbage an export leaves.
	bufs sync.Pool
}

// flush has nothing to do: the next commit of a change flushes the log up
// to it, blob writes included.
func (b *chunkBlobs) flush(context.Context) error { return nil }

// asyncTx runs f in a transaction that commits without waiting for the
// disk (see chunkBlobs).
func (b *chunkBlobs) asyncTx(ctx context.Context, f func(*sql.Tx) error) error {
	return b.s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "SELECT set_config('synchronous_commit', 'off', true)"); err != nil {
			return err
		}
		return f(tx)
	})
}

// asyncExec runs one statement in a transaction of its own, as asyncTx.
func (b *chunkBlobs) asyncExec(ctx context.Context, query string, args ...any) error {
	return b.asyncBatch(ctx, func(batch *pgx.Batch) {
		batch.Queue(query, args...)
	})
}

// asyncBatch runs the statements queue puts in a batch in one
// transaction, as asyncTx, sent to the server in one round trip. The
// statements' results are not read, only whether they failed.
func (b *chunkBlobs) asyncBatch(ctx context.Context, queue func(*pgx.Batch)) error {
	conn, err := b.s.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c := dc.(*stdlib.Conn).Conn()
		defer endTx(c)
		batch := &pgx.Batch{}
		batch.Queue("BEGIN")
		batch.Queue("SELECT set_config('synchronous_commit', 'off', true)")
		queue(batch)
		batch.Queue("COMMIT")
		br := c.SendBatch(ctx, batch)
		err := func() error {
			for range batch.Len() - 1 {
				if _, err := br.Exec(); err != nil {
					return err
				}
			}
			return readCommit(br)
		}()
		if cerr := br.Close(); err == nil {
			err = cerr
		}
		return err
	})
}

func (b *chunkBlobs) put(ctx context.Context, key string, r io.Reader) (int64, error) {
	bp, _ := b.bufs.Get().(*[]byte)
	if bp == nil {
		buf := make([]byte, chunkSize)
		bp = &buf
	}
	defer b.bufs.Put(bp)
	buf := *bp
	m, err := io.ReadFull(r, buf)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		// A blob of one chunk is written in one transaction.
		return int64(m), b.commit(ctx, key, 0, buf[:m], int64(m))
	}
	if err != nil {
		return 0, err
	}

	var gen int64
	if err := b.asyncTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO blob_puts (gen, started) VALUES (nextval('blob_gen'), now())
			RETURNING gen`).Scan(&gen)
	}); err != nil {
		return 0, err
	}
	size, err := b.stage(ctx, gen, buf, m, r)
	if err == nil {
		err = b.commit(ctx, key, gen, nil, size)
	}
	if err != nil {
		// Whatever ended the put, its chunks go; should this fail too,
		// the sweep of the next open takes them.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		b.asyncExec(ctx, `WITH p AS (DELETE FROM blob_puts WHERE gen = $1 RETURNING gen)
			DELETE FROM blob_chunks WHERE gen IN (SELECT gen FROM p)`, gen)
		return 0, err
	}
	return size, nil
}

// stage writes the chunks of generation gen: buf[:m], then the rest of r.
func (b *chunkBlobs) stage(ctx context.Context, gen int64, buf []byte, m int, r io.Reader) (int64, error) {
	var size int64
	for n := 0; ; n++ {
		if m > 0 {
			if err := b.asyncExec(ctx, "INSERT INTO blob_chunks (gen, n, data) VALUES ($1, $2, $3)", gen, n, buf[:m]); err != nil {
				return 0, err
			}
			size += int64(m)
		}
		var err error
		m, err = io.ReadFull(r, buf)
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			if m > 0 {
				continue // write the last chunk, then meet EOF again
			}
			return size, nil
		}
		if err != nil {
			return 0, err
		}
	}
}

// commit points key at generation gen of size bytes, or, when gen is 0, at
// a new generation holding the one chunk first, and deletes the generation
// key pointed at before.
func (b *chunkBlobs) commit(ctx context.Context, key string, gen int64, first []byte, size int64) error {
	return b.asyncBatch(ctx, func(batch *pgx.Batch) {
		// Puts of one key take turns, so that each sees the generation
		// it replaces: the statements after the lock read the blobs
		// committed before it was granted.
		batch.Queue("SELECT pg_advisory_xact_lock(hashtext('gdprkit/sqlstore/blob'), hashtext($1))", key)
		if gen != 0 {
			batch.Queue("DELETE FROM blob_puts WHERE gen = $1", gen)
			batch.Queue(`WITH old AS (SELECT gen FROM blobs WHERE key = $1),
				up AS (INSERT INTO blobs (key, gen, size) VALUES ($1, $2, $3)
					ON CONFLICT (key) DO UPDATE SET gen = excluded.gen, size = excluded.size)
				DELETE FROM blob_chunks WHERE gen IN (SELECT gen FROM old)`, key, gen, size)
			return
		}
		// A new generation, holding first unless the blob is empty.
		batch.Queue(`WITH g AS (SELECT nextval('blob_gen') AS gen),
			chunk AS (INSERT INTO blob_chunks (gen, n, data) SELECT gen, 0, $3::bytea FROM g WHERE $2::bigint > 0),
			old AS (SELECT gen FROM blobs WHERE key = $1::text),
			up AS (INSERT INTO blobs (key, gen, size) SELECT $1::text, gen, $2::bigint FROM g
				ON CONFLICT (key) DO UPDATE SET gen = excluded.gen, size = excluded.size)
			DELETE FROM blob_chunks WHERE gen IN (SELECT gen FROM old)`, key, size, first)
	})
}

// sweep deletes the chunks of puts that started before age ago and never
// ended: their process died.
func (b *chunkBlobs) sweep(ctx context.Context, age time.Duration) error {
	_, err := b.s.w.ExecContext(ctx, `WITH p AS (DELETE FROM blob_puts WHERE started < $1 RETURNING gen)
		DELETE FROM blob_chunks WHERE gen IN (SELECT gen FROM p)`, time.Now().Add(-age).UTC())
	return err
}

func (b *chunkBlobs) open(ctx context.Context, key string) (io.ReadCloser, error) {
	r := &chunkReader{ctx: ctx, s: b.s}
	err := b.s.r.QueryRowContext(ctx, "SELECT gen, size FROM blobs WHERE key = $1", key).Scan(&r.gen, &r.size)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, gdpr.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

func (b *chunkBlobs) delete(ctx context.Context, key string) error {
	return b.asyncExec(ctx, `WITH gone AS (DELETE FROM blobs WHERE key = $1 RETURNING gen)
		DELETE FROM blob_chunks WHERE gen IN (SELECT gen FROM gone)`, key)
}

// chunkReader reads a blob's chunks one at a time, as they are asked for.
type chunkReader struct {
	ctx       context.Context // OpenBlob's: it bounds the reads
	s         *Store
	gen, size int64
	n         int    // the next chunk to fetch
	read      int64  // bytes returned so far
	buf       []byte // the rest of the current chunk
	closed    bool
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if r.closed {
		return 0, errors.New("sqlstore: read of a closed blob")
	}
	for len(r.buf) == 0 {
		if r.read >= r.size {
			return 0, io.EOF
		}
		err := r.s.r.QueryRowContext(r.ctx, "SELECT data FROM blob_chunks WHERE gen = $1 AND n = $2", r.gen, r.n).Scan(&r.buf)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, errors.New("sqlstore: the blob was replaced or deleted while it was read")
		}
		if err != nil {
			return 0, fmt.Errorf("sqlstore: read blob: %w", err)
		}
		r.n++
	}
	m := copy(p, r.buf)
	r.buf = r.buf[m:]
	r.read += int64(m)
	return m, nil
}

func (r *chunkReader) Close() error {
	r.closed, r.buf = true, nil
	return nil
}
