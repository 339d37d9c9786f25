-- A submit's Idempotency-Key: a client whose answer was lost (a 503 after the commit, a dropped connection)
-- retries with the same key and gets the run it already made instead of a second one. Kept as long as the run.
CREATE TABLE run_submissions (
    workspace_id  uuid        NOT NULL REFERENCES workspaces (id),
    principal_id  uuid        NOT NULL,
    key           text        NOT NULL,
    request_hash  bytea       NOT NULL,
    run_id        uuid        NOT NULL,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, principal_id, key),
    -- deferred: the key is claimed first (a concurrent retry waits on it), the run is inserted after
    FOREIGN KEY (workspace_id, run_id) REFERENCES runs (workspace_id, id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);
