-- Signed checkpoints of each organization's audit chain (package evidence).
CREATE TABLE checkpoints (
	org  text        NOT NULL,
	seq  bigint      NOT NULL,
	size bigint      NOT NULL,
	time timestamptz NOT NULL,
	note bytea       NOT NULL,
	PRIMARY KEY (org, seq)
);

-- The Merkle tree hashes the checkpoints sign, at their tlog stored-hash index.
CREATE TABLE tree_hashes (
	org  text   NOT NULL,
	idx  bigint NOT NULL,
	hash bytea  NOT NULL,
	PRIMARY KEY (org, idx)
);
