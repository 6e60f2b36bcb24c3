-- Requests (jobs): the nested parts as JSON, what queries filter and sort
-- on as columns. Times are timestamptz (microseconds, UTC); a zero time is
-- stored as 0001-01-01 00:00:00+00, so that no column is NULL.
CREATE TABLE jobs (
	org             text        NOT NULL,
	id              text        NOT NULL,
	create_key      text        NOT NULL, -- the idempotency key the job was created with
	idempotency_key text        NOT NULL,
	fingerprint     text        NOT NULL,
	request_type    text        NOT NULL,
	status          text        NOT NULL,
	open            boolean     NOT NULL, -- status is not final
	created_date    timestamptz NOT NULL,
	due_date        timestamptz NOT NULL,
	modified_date   timestamptz NOT NULL,
	completed_date  timestamptz NOT NULL,
	verified_date   timestamptz NOT NULL,
	next_run        timestamptz NOT NULL,
	lease_token     text        NOT NULL,
	lease_until     timestamptz NOT NULL,
	results         text        NOT NULL,
	retries         integer     NOT NULL,
	request         json        NOT NULL,
	terms           json        NOT NULL,
	changes         json        NOT NULL,
	PRIMARY KEY (org, id)
);
CREATE UNIQUE INDEX jobs_create_key ON jobs (org, create_key) WHERE create_key <> '';
CREATE INDEX jobs_claim ON jobs (next_run, id, org) WHERE open;
CREATE INDEX jobs_created ON jobs (org, created_date DESC, id DESC);
CREATE INDEX jobs_status ON jobs (org, status);
CREATE INDEX jobs_due ON jobs (org, due_date) WHERE open;

-- The audit log: one hash chain per organization.
CREATE TABLE events (
	org        text        NOT NULL,
	seq        bigint      NOT NULL,
	request_id text        NOT NULL,
	time       timestamptz NOT NULL,
	type       text        NOT NULL,
	status     text        NOT NULL,
	detail     text        NOT NULL,
	prev_hash  text        NOT NULL,
	hash       text        NOT NULL,
	PRIMARY KEY (org, seq)
);

-- The last event of each chain. Appending locks the organization's row,
-- which serialises the appends of one organization across processes.
CREATE TABLE chain_heads (
	org  text   PRIMARY KEY,
	seq  bigint NOT NULL,
	hash text   NOT NULL
);

-- Blobs: each PutBlob writes a new generation of chunks, and points the
-- key at it when the whole stream is in. A blob larger than one chunk is
-- written chunk by chunk, outside any transaction, while its generation
-- is listed in blob_puts; a put a crash interrupted is swept from there.
CREATE SEQUENCE blob_gen;
CREATE TABLE blob_puts (
	gen     bigint      PRIMARY KEY,
	started timestamptz NOT NULL
);
CREATE TABLE blobs (
	key  text   PRIMARY KEY,
	gen  bigint NOT NULL,
	size bigint NOT NULL
);
CREATE TABLE blob_chunks (
	gen  bigint  NOT NULL,
	n    integer NOT NULL,
	data bytea   NOT NULL,
	PRIMARY KEY (gen, n)
);
