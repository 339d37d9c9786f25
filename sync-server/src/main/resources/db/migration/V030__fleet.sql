-- The edge fleet: enrolment tokens, edges (not workspace-scoped: one edge may serve several workspaces, each
-- through a row of edge_workspaces, which every fleet query joins on), leases on steps, and artifacts.

CREATE TABLE edge_enrollments (
    id          uuid PRIMARY KEY,
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash  bytea       NOT NULL UNIQUE,
    max_uses    int         NOT NULL CHECK (max_uses BETWEEN 1 AND 1000),
    uses        int         NOT NULL DEFAULT 0 CHECK (uses >= 0 AND uses <= max_uses),
    created_by  uuid        NOT NULL REFERENCES principals (id),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);

CREATE TABLE edge_enrollment_workspaces (
    enrollment_id uuid NOT NULL REFERENCES edge_enrollments (id),
    workspace_id  uuid NOT NULL REFERENCES workspaces (id),
    PRIMARY KEY (workspace_id, enrollment_id)
);
CREATE INDEX edge_enrollment_workspaces_enrollment ON edge_enrollment_workspaces (enrollment_id);

CREATE TABLE edges (
    id                   uuid PRIMARY KEY,
    name                 text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash           bytea       NOT NULL UNIQUE,
    state                text        NOT NULL CHECK (state IN ('active', 'quarantined', 'draining', 'revoked')),
    labels               jsonb       NOT NULL,
    capabilities         text[]      NOT NULL,
    capacity             int         NOT NULL CHECK (capacity BETWEEN 1 AND 256),
    sealing_key          bytea       NOT NULL CHECK (length(sealing_key) = 32),
    software_version     text,
    enrollment_id        uuid        NOT NULL REFERENCES edge_enrollments (id),
    enrolled_at          timestamptz NOT NULL,
    last_seen_at         timestamptz NOT NULL,
    last_heartbeat_at    timestamptz,
    latency_millis       bigint,
    consecutive_failures int         NOT NULL DEFAULT 0,
    revoked_at           timestamptz,
    version              bigint      NOT NULL DEFAULT 0
);

CREATE TABLE edge_workspaces (
    workspace_id uuid        NOT NULL REFERENCES workspaces (id),
    edge_id      uuid        NOT NULL REFERENCES edges (id),
    added_at     timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, edge_id)
);
CREATE INDEX edge_workspaces_edge ON edge_workspaces (edge_id);

-- Where a step may run, how often it is offered again, and its lease. lease_epoch moves on with every
-- claim; a report must carry the current one (fencing). not_before holds a re-offered step back (backoff).
ALTER TABLE steps
    ADD COLUMN placement_require jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN placement_prefer  jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN max_attempts      int CHECK (max_attempts BETWEEN 1 AND 100),
    ADD COLUMN backoff_seconds   int CHECK (backoff_seconds BETWEEN 0 AND 3600),
    ADD COLUMN edge_id           uuid REFERENCES edges (id),
    ADD COLUMN lease_epoch       bigint NOT NULL DEFAULT 0,
    ADD COLUMN lease_expires_at  timestamptz,
    ADD COLUMN not_before        timestamptz,
    ADD COLUMN checkpoint        jsonb,
    ADD COLUMN unplaced_reason   text;
CREATE INDEX steps_leased ON steps (lease_expires_at) WHERE lease_expires_at IS NOT NULL;
CREATE INDEX steps_edge ON steps (edge_id) WHERE lease_expires_at IS NOT NULL;
DROP INDEX steps_queued;
CREATE INDEX steps_queued ON steps (workspace_id, handler, updated_at) WHERE status = 'queued';

CREATE TABLE artifacts (
    id           uuid PRIMARY KEY,
    workspace_id uuid        NOT NULL,
    run_id       uuid        NOT NULL,
    step_id      uuid        NOT NULL,
    edge_id      uuid        NOT NULL REFERENCES edges (id),
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    content_type text        NOT NULL CHECK (length(content_type) BETWEEN 3 AND 200),
    size         bigint      NOT NULL CHECK (size >= 0),
    sha256       text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content      bytea       NOT NULL,
    created_at   timestamptz NOT NULL,
    FOREIGN KEY (workspace_id, run_id) REFERENCES runs (workspace_id, id),
    FOREIGN KEY (workspace_id, step_id) REFERENCES steps (workspace_id, id)
);
CREATE INDEX artifacts_run ON artifacts (workspace_id, run_id, created_at);

-- Wakes long-polling edges when steps become queued: one notification per workspace per statement, and
-- PostgreSQL folds identical notifications of one transaction into one, delivered at commit.
CREATE FUNCTION octvex_steps_queued_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ws uuid;
BEGIN
    FOR ws IN SELECT DISTINCT workspace_id FROM new_rows WHERE status = 'queued' LOOP
        PERFORM pg_notify('octvex_steps', ws::text);
    END LOOP;
    RETURN NULL;
END $$;

CREATE FUNCTION octvex_steps_queued_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ws uuid;
BEGIN
    FOR ws IN SELECT DISTINCT n.workspace_id FROM new_rows n JOIN old_rows o ON o.id = n.id
              WHERE n.status = 'queued' AND o.status <> 'queued' LOOP
        PERFORM pg_notify('octvex_steps', ws::text);
    END LOOP;
    RETURN NULL;
END $$;

CREATE TRIGGER steps_queued_insert AFTER INSERT ON steps REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION octvex_steps_queued_insert();
CREATE TRIGGER steps_queued_update AFTER UPDATE ON steps REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION octvex_steps_queued_update();
