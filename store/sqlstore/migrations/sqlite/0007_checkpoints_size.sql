-- Each receipt asks for the first checkpoint that covers its request's
-- account event: the first of the organization's checkpoints of a size.
CREATE INDEX checkpoints_size ON checkpoints (org, size);
