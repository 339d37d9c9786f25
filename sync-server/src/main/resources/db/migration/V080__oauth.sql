-- OAuth brokerage (issue 5): clients a workspace registers with a provider, pending authorisations (state),
-- and connections whose tokens are sealed in the vault as an 'oauth' secret of the same name.

CREATE TABLE oauth_clients (
    id                     uuid        PRIMARY KEY,
    workspace_id           uuid        NOT NULL REFERENCES workspaces (id),
    name                   text        NOT NULL,
    provider               text        NOT NULL,
    client_id              text        NOT NULL,
    -- the client secret is a vault secret (opaque); null for a public client (PKCE only)
    client_secret_name     text,
    authorization_endpoint text        NOT NULL,
    token_endpoint         text        NOT NULL,
    revocation_endpoint    text,
    -- how the client authenticates at the token endpoint: basic, post (client_secret_*) or none (public)
    client_auth            text        NOT NULL CHECK (client_auth IN ('basic', 'post', 'none')),
    scopes                 text[]      NOT NULL,
    -- extra authorisation request parameters a provider needs (Google's access_type=offline, …)
    extra_params           jsonb       NOT NULL DEFAULT '{}',
    created_at             timestamptz NOT NULL,
    created_by             uuid        NOT NULL REFERENCES principals (id),
    UNIQUE (workspace_id, name)
);

-- A started authorisation. The state itself is never stored, only its SHA-256: it is the credential of the
-- unauthenticated callback. Single use (used_at), short-lived (expires_at), bound to workspace, principal, client.
CREATE TABLE oauth_authorizations (
    state_hash      bytea       PRIMARY KEY,
    workspace_id    uuid        NOT NULL REFERENCES workspaces (id),
    client          uuid        NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
    principal_id    uuid        NOT NULL REFERENCES principals (id),
    connection_name text        NOT NULL,
    code_verifier   text        NOT NULL,
    redirect_uri    text        NOT NULL,
    scopes          text[]      NOT NULL,
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    used_at         timestamptz
);
CREATE INDEX oauth_authorizations_expiry ON oauth_authorizations (expires_at);

CREATE TABLE oauth_connections (
    id             uuid        PRIMARY KEY,
    workspace_id   uuid        NOT NULL REFERENCES workspaces (id),
    name           text        NOT NULL,
    client         uuid        NOT NULL REFERENCES oauth_clients (id),
    -- the sealed tokens; deleting the connection deletes the secret (and a failed delete keeps both)
    secret_id      uuid        NOT NULL REFERENCES secrets (id),
    status         text        NOT NULL CHECK (status IN ('active', 'failed')),
    scopes         text[]      NOT NULL,
    has_refresh    boolean     NOT NULL,
    expires_at     timestamptz,
    -- when the refresh job should refresh it: null when there is nothing to refresh or it failed for good
    refresh_at     timestamptz,
    failures       int         NOT NULL DEFAULT 0,
    failure        text,
    authorized_by  uuid        NOT NULL REFERENCES principals (id),
    created_at     timestamptz NOT NULL,
    refreshed_at   timestamptz,
    UNIQUE (workspace_id, name)
);
CREATE INDEX oauth_connections_due ON oauth_connections (refresh_at) WHERE status = 'active';
