-- Approval gates (issue 4). An approval is created in the same transaction that blocks its step; votes are
-- one row per approver (the primary key makes each approver count once); the status moves once, from
-- pending, under the approval row's lock.
CREATE TABLE approvals (
    id            uuid PRIMARY KEY,
    workspace_id  uuid        NOT NULL REFERENCES workspaces (id),
    run_id        uuid        NOT NULL,
    step_id       uuid        NOT NULL,
    status        text        NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'expired', 'cancelled')),
    action_key    text        NOT NULL,               -- SHA-256 of who, what action, method and resource
    evidence      jsonb       NOT NULL,               -- the exact action, rule, message, policy version
    requested_by  uuid        NOT NULL REFERENCES principals (id),
    approver_role text        NOT NULL,
    quorum        int         NOT NULL CHECK (quorum BETWEEN 1 AND 10),
    requested_at  timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    decided_at    timestamptz,
    outcome       text,                               -- why it ended: the deciding reason, 'expired', …
    grant_until   timestamptz,                        -- a scoped grant: the same action in this run until then
    version       bigint      NOT NULL DEFAULT 0,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, run_id) REFERENCES runs (workspace_id, id),
    FOREIGN KEY (workspace_id, step_id) REFERENCES steps (workspace_id, id),
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
CREATE INDEX approvals_pending_expiry ON approvals (expires_at) WHERE status = 'pending';
CREATE INDEX approvals_workspace ON approvals (workspace_id, requested_at DESC, id DESC);
CREATE INDEX approvals_step ON approvals (workspace_id, step_id);
CREATE INDEX approvals_run_grants ON approvals (workspace_id, run_id, action_key) WHERE grant_until IS NOT NULL;

CREATE TABLE approval_votes (
    workspace_id uuid        NOT NULL,
    approval_id  uuid        NOT NULL,
    principal_id uuid        NOT NULL REFERENCES principals (id),
    vote         text        NOT NULL CHECK (vote IN ('approve', 'deny')),
    reason       text        CHECK (length(reason) <= 500),
    grant_minutes int        CHECK (grant_minutes BETWEEN 1 AND 1440),
    at           timestamptz NOT NULL,
    PRIMARY KEY (approval_id, principal_id),
    FOREIGN KEY (workspace_id, approval_id) REFERENCES approvals (workspace_id, id)
);

-- The dry run replays a workspace's latest recorded gate decisions.
CREATE INDEX events_policy_decisions ON events (workspace_id, seq DESC) WHERE type = 'policy.decided';
