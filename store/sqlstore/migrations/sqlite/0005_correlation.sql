-- The correlation id of the API call that created the request (store.Job
-- Correlation), so that log lines of the workers join that call's; '' for
-- requests created before, or outside an API call.
ALTER TABLE jobs ADD COLUMN correlation TEXT NOT NULL DEFAULT '';
