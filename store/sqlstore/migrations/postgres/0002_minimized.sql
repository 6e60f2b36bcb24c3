-- When a finished request's personal data was replaced by keyed hashes
-- (processor.WithMinimization); the zero time until then.
ALTER TABLE jobs ADD COLUMN minimized_date timestamptz NOT NULL DEFAULT '0001-01-01 00:00:00+00';
CREATE INDEX jobs_finished ON jobs (modified_date) WHERE NOT open AND minimized_date = '0001-01-01 00:00:00+00';
