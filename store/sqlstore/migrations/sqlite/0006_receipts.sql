-- Signed receipts of finished requests (package evidence), each stored
-- with, or after, the checkpoint its proofs lead to.
CREATE TABLE receipts (
	org        TEXT    NOT NULL,
	request_id TEXT    NOT NULL,
	checkpoint INTEGER NOT NULL,
	note       BLOB    NOT NULL,
	PRIMARY KEY (org, request_id)
) STRICT;
