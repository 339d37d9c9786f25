-- A step holds a lease only while it is running or blocked: the move out of those states ends it in the same
-- row update (ADR 0036), where a claim and a report each wrote the step twice (lease columns, then status).
-- Leases left on steps that finished another way (a cancelled run) were cleared by the sweeper; clear what is
-- left once, and let the database hold the rule from now on.
UPDATE steps SET lease_expires_at = NULL
WHERE lease_expires_at IS NOT NULL AND status NOT IN ('running', 'blocked');
ALTER TABLE steps ADD CONSTRAINT steps_lease_only_while_running
    CHECK (lease_expires_at IS NULL OR status IN ('running', 'blocked'));
