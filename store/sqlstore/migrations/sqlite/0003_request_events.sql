-- One request's audit events, read without the organization's whole chain.
CREATE INDEX events_request ON events (org, request_id, seq);
