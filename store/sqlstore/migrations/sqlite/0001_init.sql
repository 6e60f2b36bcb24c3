-- Requests (jobs): the nested parts as JSON, what queries filter and sort
-- on as columns. Times are text in UTC to the microsecond,
-- 2006-01-02T15:04:05.000000Z, which sorts as the instants do; a zero time
-- is 0001-01-01T00:00:00.000000Z, so that no column is NULL.
CREATE TABLE jobs (
	org             TEXT    NOT NULL,
	id              TEXT    NOT NULL,
	create_key      TEXT    NOT NULL, -- the idempotency key the job was created with
	idempotency_key TEXT    NOT NULL,
	fingerprint     TEXT    NOT NULL,
	request_type    TEXT    NOT NULL,
	status          TEXT    NOT NULL,
	open            INTEGER NOT NULL, -- status is not final
	created_date    TEXT    NOT NULL,
	due_date        TEXT    NOT NULL,
	modified_date   TEXT    NOT NULL,
	completed_date  TEXT    NOT NULL,
	verified_date   TEXT    NOT NULL,
	next_run        TEXT    NOT NULL,
	lease_token     TEXT    NOT NULL,
	lease_until     TEXT    NOT NULL,
	results         TEXT    NOT NULL,
	retries         INTEGER NOT NULL,
	request         TEXT    NOT NULL,
	terms           TEXT    NOT NULL,
	changes         TEXT    NOT NULL,
	PRIMARY KEY (org, id)
) STRICT;
CREATE UNIQUE INDEX jobs_create_key ON jobs (org, create_key) WHERE create_key <> '';
CREATE INDEX jobs_claim ON jobs (next_run, id, org) WHERE open;
CREATE INDEX jobs_created ON jobs (org, created_date DESC, id DESC);
CREATE INDEX jobs_status ON jobs (org, status);
CREATE INDEX jobs_due ON jobs (org, due_date) WHERE open;

-- The audit log: one hash chain per organization.
CREATE TABLE events (
	org        TEXT    NOT NULL,
	seq        INTEGER NOT NULL,
	request_id TEXT    NOT NULL,
	time       TEXT    NOT NULL,
	type       TEXT    NOT NULL,
	status     TEXT    NOT NULL,
	detail     TEXT    NOT NULL,
	prev_hash  TEXT    NOT NULL,
	hash       TEXT    NOT NULL,
	PRIMARY KEY (org, seq)
) STRICT;

-- The last event of each chain.
CREATE TABLE chain_heads (
	org  TEXT    PRIMARY KEY,
	seq  INTEGER NOT NULL,
	hash TEXT    NOT NULL
) STRICT;

-- Blobs are files in the blob directory beside the database, not rows.
