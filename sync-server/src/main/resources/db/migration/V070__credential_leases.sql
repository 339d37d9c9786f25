-- Credential leases (issue 5): a step's right to have one named secret sealed to the edge that runs it,
-- bound to (run, step, edge, lease epoch, action). A lease is revoked in the same transaction that ends its
-- step's run on the edge: a trigger, so no code path that moves a step can forget it.
CREATE TABLE credential_leases (
    id             uuid PRIMARY KEY,
    workspace_id   uuid        NOT NULL REFERENCES workspaces (id),
    run_id         uuid        NOT NULL,
    step_id        uuid        NOT NULL,
    edge_id        uuid        NOT NULL REFERENCES edges (id),
    epoch          bigint      NOT NULL,
    secret_name    text        NOT NULL,
    usage          text        NOT NULL CHECK (usage IN ('bearer', 'basic', 'header')),
    header         text,
    action         text        NOT NULL,
    granted_at     timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL,
    redeemed       int         NOT NULL DEFAULT 0,
    revoked_at     timestamptz,
    revoked_reason text,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, run_id) REFERENCES runs (workspace_id, id),
    FOREIGN KEY (workspace_id, step_id) REFERENCES steps (workspace_id, id)
);
CREATE INDEX credential_leases_live ON credential_leases (step_id) WHERE revoked_at IS NULL;

CREATE FUNCTION octvex_revoke_credential_leases() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE credential_leases SET revoked_at = clock_timestamp(), revoked_reason = 'step ' || NEW.status
    WHERE step_id = NEW.id AND revoked_at IS NULL;
    RETURN NULL;
END $$;

CREATE TRIGGER steps_revoke_credential_leases AFTER UPDATE OF status ON steps
    FOR EACH ROW WHEN (OLD.status IN ('running', 'blocked') AND NEW.status NOT IN ('running', 'blocked'))
    EXECUTE FUNCTION octvex_revoke_credential_leases();
