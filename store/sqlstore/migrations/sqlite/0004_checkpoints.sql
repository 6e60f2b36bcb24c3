-- Signed checkpoints of each organization's audit chain (package evidence).
CREATE TABLE checkpoints (
	org  TEXT    NOT NULL,
	seq  INTEGER NOT NULL,
	size INTEGER NOT NULL,
	time TEXT    NOT NULL,
	note BLOB    NOT NULL,
	PRIMARY KEY (org, seq)
) STRICT;

-- The Merkle tree hashes the checkpoints sign, at their tlog stored-hash index.
CREATE TABLE tree_hashes (
	org  TEXT    NOT NULL,
	idx  INTEGER NOT NULL,
	hash BLOB    NOT NULL,
	PRIMARY KEY (org, idx)
) STRICT;
