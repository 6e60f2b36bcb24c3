-- The Merkle tree hashes, about two rows for every audit event, as one
-- B-tree on their key rather than a table and the index of its key: a
-- checkpoint writes half the pages for them.
CREATE TABLE tree_hashes_by_key (
	org  TEXT    NOT NULL,
	idx  INTEGER NOT NULL,
	hash BLOB    NOT NULL,
	PRIMARY KEY (org, idx)
) STRICT, WITHOUT ROWID;
INSERT INTO tree_hashes_by_key (org, idx, hash) SELECT org, idx, hash FROM tree_hashes;
DROP TABLE tree_hashes;
ALTER TABLE tree_hashes_by_key RENAME TO tree_hashes;
