-- Policy documents per workspace: every save is a new immutable version; one version is active.
CREATE TABLE policy_versions (
    workspace_id uuid        NOT NULL REFERENCES workspaces (id),
    version      int         NOT NULL CHECK (version > 0),
    document     text        NOT NULL CHECK (length(document) <= 262144),
    author_id    uuid        NOT NULL REFERENCES principals (id),
    created_at   timestamptz NOT NULL,
    test_count   int         NOT NULL DEFAULT 0,
    PRIMARY KEY (workspace_id, version)
);

CREATE TABLE policy_heads (
    workspace_id   uuid PRIMARY KEY REFERENCES workspaces (id),
    active_version int,
    latest_version int    NOT NULL,
    version        bigint NOT NULL DEFAULT 0,
    FOREIGN KEY (workspace_id, active_version) REFERENCES policy_versions (workspace_id, version)
);
