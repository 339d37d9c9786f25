-- Octvex foundation schema: workspaces, identities, tokens, runs and steps, the audit/event log.
-- Every table holding workspace data carries workspace_id; child rows reference their parent together with
-- its workspace_id, so the database itself refuses a row that points across workspaces.

CREATE TABLE workspaces (
    id          uuid PRIMARY KEY,
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    status      text        NOT NULL CHECK (status IN ('active', 'archived', 'system')),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    version     bigint      NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX workspaces_active_name ON workspaces (lower(name)) WHERE status = 'active';

-- The instance's own audit chain (logins, workspace creation) lives in a reserved system workspace.
INSERT INTO workspaces (id, name, status, created_at, updated_at)
VALUES ('00000000-0000-0000-0000-000000000000', 'instance', 'system', now(), now());

CREATE TABLE principals (
    id                uuid PRIMARY KEY,
    kind              text        NOT NULL CHECK (kind IN ('user', 'agent', 'service')),
    name              text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    display_name      text,
    -- agents and services belong to the workspace that created them; users are instance-wide
    home_workspace_id uuid REFERENCES workspaces (id),
    password_hash     text,
    instance_admin    boolean     NOT NULL DEFAULT false,
    failed_logins     int         NOT NULL DEFAULT 0,
    locked_until      timestamptz,
    disabled          boolean     NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL,
    version           bigint      NOT NULL DEFAULT 0,
    CHECK ((kind = 'user') = (home_workspace_id IS NULL)),
    CHECK (kind = 'user' OR password_hash IS NULL)
);
CREATE UNIQUE INDEX principals_user_name ON principals (lower(name)) WHERE kind = 'user';
CREATE UNIQUE INDEX principals_workspace_name ON principals (home_workspace_id, lower(name)) WHERE kind <> 'user';

CREATE TABLE memberships (
    workspace_id uuid        NOT NULL REFERENCES workspaces (id),
    principal_id uuid        NOT NULL REFERENCES principals (id),
    roles        text[]      NOT NULL CHECK (cardinality(roles) > 0),
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, principal_id)
);
CREATE INDEX memberships_principal ON memberships (principal_id);

-- Session tokens (from a login) are instance-wide and bounded by memberships; API tokens belong to one
-- workspace. Only a SHA-256 of the secret is stored.
CREATE TABLE tokens (
    id           uuid PRIMARY KEY,
    kind         text        NOT NULL CHECK (kind IN ('session', 'api')),
    workspace_id uuid REFERENCES workspaces (id),
    principal_id uuid        NOT NULL REFERENCES principals (id),
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash   bytea       NOT NULL UNIQUE,
    scopes       text[]      NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    last_used_at timestamptz,
    CHECK ((kind = 'session') = (workspace_id IS NULL))
);
CREATE INDEX tokens_workspace ON tokens (workspace_id, created_at DESC);

CREATE TABLE runs (
    id           uuid PRIMARY KEY,
    workspace_id uuid        NOT NULL REFERENCES workspaces (id),
    parent_id    uuid,
    root_id      uuid        NOT NULL,
    depth        int         NOT NULL DEFAULT 0 CHECK (depth >= 0),
    status       text        NOT NULL CHECK (status IN
                     ('planning', 'queued', 'running', 'blocked', 'completed', 'failed', 'cancelled')),
    title        text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    spec         jsonb       NOT NULL,
    created_by   uuid        NOT NULL REFERENCES principals (id),
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    version      bigint      NOT NULL DEFAULT 0,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, parent_id) REFERENCES runs (workspace_id, id)
);
CREATE INDEX runs_workspace_created ON runs (workspace_id, created_at DESC, id DESC);
CREATE INDEX runs_workspace_status ON runs (workspace_id, status);
CREATE INDEX runs_root ON runs (workspace_id, root_id);

CREATE TABLE steps (
    id           uuid PRIMARY KEY,
    workspace_id uuid        NOT NULL,
    run_id       uuid        NOT NULL,
    key          text        NOT NULL CHECK (key ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
    position     int         NOT NULL,
    handler      text        NOT NULL CHECK (length(handler) BETWEEN 1 AND 64),
    action       text        NOT NULL CHECK (length(action) BETWEEN 1 AND 200),
    input        jsonb       NOT NULL,
    depends_on   text[]      NOT NULL,
    status       text        NOT NULL CHECK (status IN
                     ('pending', 'queued', 'running', 'blocked', 'completed', 'failed', 'cancelled', 'skipped')),
    attempt      int         NOT NULL DEFAULT 0,
    result       jsonb,
    error        text,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    version      bigint      NOT NULL DEFAULT 0,
    UNIQUE (workspace_id, id),
    UNIQUE (run_id, key),
    FOREIGN KEY (workspace_id, run_id) REFERENCES runs (workspace_id, id)
);
CREATE INDEX steps_run ON steps (workspace_id, run_id, position);
CREATE INDEX steps_queued ON steps (workspace_id, status) WHERE status = 'queued';

-- The audit/event log: append-only, a gapless sequence per workspace, each row chained to the previous by
-- SHA-256. event_heads holds each chain's tip; appends lock that row, which serialises one workspace's
-- appends without touching any other workspace.
CREATE TABLE events (
    workspace_id uuid        NOT NULL REFERENCES workspaces (id),
    seq          bigint      NOT NULL CHECK (seq > 0),
    id           uuid        NOT NULL UNIQUE,
    type         text        NOT NULL CHECK (type ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
    run_id       uuid,
    step_id      uuid,
    principal_id uuid,
    at           timestamptz NOT NULL,
    data         jsonb       NOT NULL,
    prev_hash    text        NOT NULL,
    hash         text        NOT NULL,
    PRIMARY KEY (workspace_id, seq)
);
CREATE INDEX events_run ON events (workspace_id, run_id, seq) WHERE run_id IS NOT NULL;

CREATE TABLE event_heads (
    workspace_id uuid PRIMARY KEY REFERENCES workspaces (id),
    seq          bigint NOT NULL,
    hash         text   NOT NULL
);

CREATE FUNCTION octvex_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event log is append-only: % refused', TG_OP;
END $$;

CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION octvex_events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION octvex_events_append_only();
