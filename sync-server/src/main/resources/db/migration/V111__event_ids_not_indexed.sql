-- Nothing reads an event by its id: the log is read by (workspace_id, seq), by run, by type and by principal, and
-- an event's identity in its chain is its (workspace_id, seq), the primary key. The id is a random UUID that the
-- hash covers, so a stored event's id cannot change unnoticed; its unique index cost one more random-page insert per
-- event (about a tenth of an event row's cost, measured; 6 events per governed run) and grew with the whole log.
ALTER TABLE events DROP CONSTRAINT events_id_key;
