-- The credential vault (issue 5, storage): envelope encryption. A root key, which is never stored here, wraps
-- one data key per workspace and term; the data key seals secret values with AES-256-GCM. See docs/vault.md.

-- The root key's terms. The current term (the one row not retired) says which root key the data keys are
-- wrapped under: its check value (HMAC-SHA256 of a fixed label under a key derived from the root key) lets a
-- starting server prove it holds that key without storing it; kdf holds the Argon2id salt and parameters when
-- the root key is derived from a passphrase.
CREATE TABLE vault_root_terms (
    term        int PRIMARY KEY CHECK (term > 0),
    source      text        NOT NULL CHECK (source IN ('file', 'env', 'keychain', 'passphrase')),
    kdf         jsonb,
    check_value bytea       NOT NULL CHECK (length(check_value) = 32),
    created_at  timestamptz NOT NULL,
    retired_at  timestamptz
);
CREATE UNIQUE INDEX vault_root_terms_current ON vault_root_terms ((true)) WHERE retired_at IS NULL;

-- One data key per workspace and term, wrapped (AES-256-GCM) under the root key of root_term. encryptions
-- counts the values sealed under it: the vault moves to a new term long before 2^32 random nonces. A key
-- nothing is sealed under any more is destroyed (wrapped set to NULL); its row stays as a record.
CREATE TABLE vault_data_keys (
    workspace_id uuid        NOT NULL REFERENCES workspaces (id),
    term         int         NOT NULL CHECK (term > 0),
    root_term    int         NOT NULL REFERENCES vault_root_terms (term),
    wrapped      bytea,
    encryptions  bigint      NOT NULL DEFAULT 0 CHECK (encryptions >= 0),
    created_at   timestamptz NOT NULL,
    retired_at   timestamptz,
    destroyed_at timestamptz,
    PRIMARY KEY (workspace_id, term),
    CHECK ((wrapped IS NULL) = (destroyed_at IS NOT NULL)),
    CHECK (destroyed_at IS NULL OR retired_at IS NOT NULL)
);

-- Each workspace's vault head: its current term. Every change to a workspace's keys or sealed values locks
-- this row first, so a rotation, a write and the re-encrypt job never interleave within one workspace.
CREATE TABLE vault_keyrings (
    workspace_id uuid PRIMARY KEY REFERENCES workspaces (id),
    current_term int,
    version      bigint NOT NULL DEFAULT 0,
    FOREIGN KEY (workspace_id, current_term) REFERENCES vault_data_keys (workspace_id, term)
);

-- Secrets: metadata in the clear, the value sealed (format byte, 96-bit nonce, ciphertext, GCM tag) with
-- AAD = workspace id + secret id + version. Deleting a secret removes its row; the audit log keeps the record.
CREATE TABLE secrets (
    id           uuid PRIMARY KEY,
    workspace_id uuid        NOT NULL REFERENCES workspaces (id),
    name         text        NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,63}$' AND position('..' IN name) = 0),
    kind         text        NOT NULL CHECK (kind IN ('opaque', 'username_password', 'http_header', 'bearer', 'oauth')),
    version      bigint      NOT NULL CHECK (version > 0),
    key_term     int         NOT NULL,
    sealed       bytea       NOT NULL,
    created_at   timestamptz NOT NULL,
    created_by   uuid        REFERENCES principals (id),
    updated_at   timestamptz NOT NULL,
    updated_by   uuid        REFERENCES principals (id),
    rotated_at   timestamptz,
    UNIQUE (workspace_id, name),
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, key_term) REFERENCES vault_data_keys (workspace_id, term)
);
CREATE INDEX secrets_key_term ON secrets (workspace_id, key_term);
