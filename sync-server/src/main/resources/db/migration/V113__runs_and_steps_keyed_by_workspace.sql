-- Fewer index entries per run (ADR 0041). Every insert of a run or step, and every move of one (a non-HOT update:
-- its status is indexed), writes an entry into each of its table's indexes. Four of them served no query:
--  * runs_pkey (id) and steps_pkey (id) beside the (workspace_id, id) keys every foreign key references and every
--    query names (isolation: a row is reached through its workspace);
--  * runs_root (workspace_id, root_id): no query reads a run tree by its root;
--  * steps_run (workspace_id, run_id, position) beside the unique (run_id, key): one unique
--    (workspace_id, run_id, key) serves both a run's steps (sorted by position after the read; a run has few) and
--    the uniqueness of a key within its run.
-- That is 12 of about 60 index entries a governed run wrote.

-- (workspace_id, id) becomes each table's primary key. The foreign keys are bound to the unique constraints'
-- indexes, so they are dropped first and made again against the primary keys.
ALTER TABLE runs DROP CONSTRAINT runs_workspace_id_parent_id_fkey;
ALTER TABLE steps DROP CONSTRAINT steps_workspace_id_run_id_fkey;
ALTER TABLE artifacts DROP CONSTRAINT artifacts_workspace_id_run_id_fkey;
ALTER TABLE artifacts DROP CONSTRAINT artifacts_workspace_id_step_id_fkey;
ALTER TABLE approvals DROP CONSTRAINT approvals_workspace_id_run_id_fkey;
ALTER TABLE approvals DROP CONSTRAINT approvals_workspace_id_step_id_fkey;
ALTER TABLE credential_leases DROP CONSTRAINT credential_leases_workspace_id_run_id_fkey;
ALTER TABLE credential_leases DROP CONSTRAINT credential_leases_workspace_id_step_id_fkey;
ALTER TABLE run_submissions DROP CONSTRAINT run_submissions_workspace_id_run_id_fkey;

ALTER TABLE runs DROP CONSTRAINT runs_pkey;
ALTER TABLE runs DROP CONSTRAINT runs_workspace_id_id_key;
ALTER TABLE runs ADD CONSTRAINT runs_pkey PRIMARY KEY (workspace_id, id);
DROP INDEX runs_root;

ALTER TABLE steps DROP CONSTRAINT steps_pkey;
ALTER TABLE steps DROP CONSTRAINT steps_workspace_id_id_key;
ALTER TABLE steps ADD CONSTRAINT steps_pkey PRIMARY KEY (workspace_id, id);
ALTER TABLE steps DROP CONSTRAINT steps_run_id_key_key;
DROP INDEX steps_run;
ALTER TABLE steps ADD CONSTRAINT steps_run_key UNIQUE (workspace_id, run_id, key);

ALTER TABLE runs ADD CONSTRAINT runs_workspace_id_parent_id_fkey
    FOREIGN KEY (workspace_id, parent_id) REFERENCES runs (workspace_id, id);
ALTER TABLE steps ADD CONSTRAINT steps_workspace_id_run_id_fkey
    FOREIGN KEY (workspace_id, run_id) REFERENCES runs (workspace_id, id);
ALTER TABLE artifacts ADD CONSTRAINT artifacts_workspace_id_run_id_fkey
    FOREIGN KEY (workspace_id, run_id) REFERENCES runs (workspace_id, id);
ALTER TABLE artifacts ADD CONSTRAINT artifacts_workspace_id_step_id_fkey
    FOREIGN KEY (workspace_id, step_id) REFERENCES steps (workspace_id, id);
ALTER TABLE approvals ADD CONSTRAINT approvals_workspace_id_run_id_fkey
    FOREIGN KEY (workspace_id, run_id) REFERENCES runs (workspace_id, id);
ALTER TABLE approvals ADD CONSTRAINT approvals_workspace_id_step_id_fkey
    FOREIGN KEY (workspace_id, step_id) REFERENCES steps (workspace_id, id);
ALTER TABLE credential_leases ADD CONSTRAINT credential_leases_workspace_id_run_id_fkey
    FOREIGN KEY (workspace_id, run_id) REFERENCES runs (workspace_id, id);
ALTER TABLE credential_leases ADD CONSTRAINT credential_leases_workspace_id_step_id_fkey
    FOREIGN KEY (workspace_id, step_id) REFERENCES steps (workspace_id, id);
ALTER TABLE run_submissions ADD CONSTRAINT run_submissions_workspace_id_run_id_fkey
    FOREIGN KEY (workspace_id, run_id) REFERENCES runs (workspace_id, id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;
