-- One-time pairing codes (ADR 0031): `./octvex pair` or a workspace's invitation shows a code XXXX-XXXX; the
-- Desk trades it for a session of `principal_id`. Neither half is stored in the clear: the first half's
-- SHA-256 finds the row (so wrong tries count against that one code), the whole code's SHA-256 proves it.
CREATE TABLE pairing_codes (
    id           uuid PRIMARY KEY,
    handle_hash  bytea       NOT NULL UNIQUE,
    code_hash    bytea       NOT NULL,
    principal_id uuid        NOT NULL REFERENCES principals (id),
    created_by   uuid        NOT NULL REFERENCES principals (id),
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    failures     int         NOT NULL DEFAULT 0 CHECK (failures >= 0),
    used_at      timestamptz,
    burned_at    timestamptz,
    CHECK (used_at IS NULL OR burned_at IS NULL)
);
CREATE INDEX pairing_codes_expires ON pairing_codes (expires_at);
