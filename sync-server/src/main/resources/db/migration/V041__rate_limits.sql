-- Token buckets for policy rate limits, shared by every server replica: one row per (workspace, limit, key).
CREATE TABLE rate_buckets (
    workspace_id uuid             NOT NULL REFERENCES workspaces (id),
    limit_id     text             NOT NULL,
    key          text             NOT NULL CHECK (length(key) <= 512),
    tokens       double precision NOT NULL,
    updated_at   timestamptz      NOT NULL,
    PRIMARY KEY (workspace_id, limit_id, key)
);
