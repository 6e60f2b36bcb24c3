-- Signed receipts of finished requests (package evidence), each stored
-- with, or after, the checkpoint its proofs lead to.
CREATE TABLE receipts (
	org        text   NOT NULL,
	request_id text   NOT NULL,
	checkpoint bigint NOT NULL,
	note       bytea  NOT NULL,
	PRIMARY KEY (org, request_id)
);
