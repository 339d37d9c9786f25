-- The audit search (GET …/events with filters): a type prefix (approval.%) and a principal, each within one
-- workspace and in sequence order. Run filters use events_run; time filters follow seq (events are stamped
-- in commit order), so they scan the primary key.
CREATE INDEX events_type ON events (workspace_id, type text_pattern_ops, seq);
CREATE INDEX events_principal ON events (workspace_id, principal_id, seq) WHERE principal_id IS NOT NULL;
