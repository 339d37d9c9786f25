-- Step-up approvals (issue 8, ADR 0026). The server is a WebAuthn relying party: each principal registers
-- security keys; an approval whose rule says step_up: webauthn is approved only with a fresh assertion over a
-- challenge bound to the approval's evidence, kept next to the vote it backs.
CREATE TABLE webauthn_credentials (
    id             uuid PRIMARY KEY,
    principal_id   uuid        NOT NULL REFERENCES principals (id),
    credential_id  text        NOT NULL UNIQUE,        -- base64url, as the authenticator named it
    aaguid         uuid        NOT NULL,
    cose_key       bytea       NOT NULL,               -- the public key, COSE (CBOR)
    sign_count     bigint      NOT NULL CHECK (sign_count >= 0),
    uv_initialized boolean     NOT NULL,
    backup_eligible boolean    NOT NULL,
    backup_state   boolean     NOT NULL,
    label          text        NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
    created_at     timestamptz NOT NULL,
    last_used_at   timestamptz
);
CREATE INDEX webauthn_credentials_principal ON webauthn_credentials (principal_id, created_at);

-- One ceremony: a registration, or a step-up for one approval of one workspace. The challenge is spent by
-- the first answer (used_at); the ticket (only its SHA-256 is kept) lets the ceremony page act for it.
CREATE TABLE webauthn_ceremonies (
    id            uuid PRIMARY KEY,
    kind          text        NOT NULL CHECK (kind IN ('registration', 'step_up')),
    principal_id  uuid        NOT NULL REFERENCES principals (id),
    workspace_id  uuid,
    approval_id   uuid,
    decision      text        CHECK (decision IN ('approve')),
    reason        text        CHECK (length(reason) <= 500),
    grant_minutes int         CHECK (grant_minutes BETWEEN 1 AND 1440),
    evidence_hash text,
    nonce         bytea       NOT NULL,
    challenge     bytea       NOT NULL,
    label         text,
    ticket_hash   bytea       NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz,
    FOREIGN KEY (workspace_id, approval_id) REFERENCES approvals (workspace_id, id),
    CHECK ((kind = 'step_up') = (approval_id IS NOT NULL AND evidence_hash IS NOT NULL AND decision IS NOT NULL))
);
CREATE INDEX webauthn_ceremonies_expiry ON webauthn_ceremonies (expires_at);

-- The assertion behind an approving vote: with the credential's public key, anyone can check the signature
-- over authenticator_data ‖ SHA-256(client_data_json), whose challenge binds evidence_hash.
CREATE TABLE approval_vote_step_ups (
    workspace_id       uuid        NOT NULL,
    approval_id        uuid        NOT NULL,
    principal_id       uuid        NOT NULL,
    ceremony_id        uuid        NOT NULL UNIQUE REFERENCES webauthn_ceremonies (id),
    credential_id      text        NOT NULL,
    evidence_hash      text        NOT NULL,
    authenticator_data bytea       NOT NULL,
    client_data_json   bytea       NOT NULL,
    signature          bytea       NOT NULL,
    PRIMARY KEY (approval_id, principal_id),
    FOREIGN KEY (approval_id, principal_id) REFERENCES approval_votes (approval_id, principal_id)
);
