package sqlstore

import (
	"bytes"
	"context"
	"fmt"

	"github.com/gdprkit/gdpr/store"
)

var _ store.BlobUpdater = (*Store)(nil)

// UpdateWithBlob is Update, which also stores data under key, replacing
// any blob there.
//
// With PostgreSQL, a blob of up to one chunk (256 KiB) is written in the
// transaction of the update, and so made durable by its commit: when
// UpdateWithBlob returns an error, neither the job nor the blob has
// changed. With SQLite, whose blobs are files, and for a larger blob, the
// blob is put first, as PutBlob would, and the job then updated: an error
// may leave the new blob under key.
func (s *Store) UpdateWithBlob(ctx context.Context, job *store.Job, key string, data []byte, evs ...store.Event) error {
	if !s.d.postgres || len(data) > chunkSize {
		if _, err := s.PutBlob(ctx, key, bytes.NewReader(data)); err != nil {
			return fmt.Errorf("sqlstore: update request %q: %w", job.Request.ID, err)
		}
		return s.Update(ctx, job, evs...)
	}
	return s.update(ctx, job, evs, putWithJob(key, data, job))
}

// putWithJob returns the statements that put data, one chunk at most,
// under key in a transaction of the writer, after the statement that
// updates job: they write nothing unless the job still carries its lease
// token, so that an update refused for a lost lease stores no blob either.
// Like a put of its own, the put takes the key's turn first (see
// chunkBlobs.commit).
func putWithJob(key string, data []byte, job *store.Job) []statement {
	return []statement{
		{query: "SELECT pg_advisory_xact_lock(hashtext('gdprkit/sqlstore/blob'), hashtext($1))", args: []any{key}},
		{query: `WITH g AS (SELECT nextval('blob_gen') AS gen
				WHERE EXISTS (SELECT 1 FROM jobs WHERE org = $4 AND id = $5 AND lease_token = $6)),
			chunk AS (INSERT INTO blob_chunks (gen, n, data) SELECT gen, 0, $3::bytea FROM g WHERE $2::bigint > 0),
			old AS (SELECT gen FROM blobs WHERE key = $1::text AND EXISTS (SELECT 1 FROM g)),
			up AS (INSERT INTO blobs (key, gen, size) SELECT $1::text, gen, $2::bigint FROM g
				ON CONFLICT (key) DO UPDATE SET gen = excluded.gen, size = excluded.size)
			DELETE FROM blob_chunks WHERE gen IN (SELECT gen FROM old)`,
			args: []any{key, int64(len(data)), data, job.Org, job.Request.ID, job.LeaseToken}},
	}
}
