-- Every event row is written by AuditLog.write in the one statement that moves its workspace's chain head, and
-- that head row references workspaces (id): the workspace is checked once per append, where the per-row foreign
-- key checked it again for every event (a quarter of an event insert's cost, measured; 6 events per governed
-- run). Workspaces are archived, never deleted, and events are append-only, so nothing can orphan an event.
ALTER TABLE events DROP CONSTRAINT events_workspace_id_fkey;
-- events_type (workspace_id, type, seq) serves "the latest decisions" as a backward scan of one type: the
-- partial index only repeated it, at the cost of one more index insert per recorded decision.
DROP INDEX events_policy_decisions;
