-- An approval asked for by an edge in the middle of a step (a redirect, a navigation): its step was running
-- and its edge keeps the lease while it waits, so approving resumes the step as running, not queued.
ALTER TABLE approvals ADD COLUMN in_step boolean NOT NULL DEFAULT false;
