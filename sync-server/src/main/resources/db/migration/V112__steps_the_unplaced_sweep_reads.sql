-- The unplaced sweep (LeaseStore.UNPLACED) runs every second and used to read the whole queue for its distinct
-- (workspace, handler, required labels): 187 ms a pass at 100,000 waiting, about a fifth of a core. These two
-- indexes hold only the queued steps it has not reported yet, by (workspace, handler): the first gives it the
-- queue's distinct pairs by a skip scan (one probe per pair) and the steps of a pair no active edge runs; the
-- second, of the pairs some active edge runs, only the steps that require labels, the only ones that can then
-- lack an edge. A step enters the first when it is queued (one index entry more per queued step) and leaves both
-- when it is leased or reported.
CREATE INDEX steps_unplaced_candidates ON steps (workspace_id, handler, updated_at)
    WHERE status = 'queued' AND unplaced_reason IS NULL;
CREATE INDEX steps_unplaced_required ON steps (workspace_id, handler, updated_at)
    WHERE status = 'queued' AND unplaced_reason IS NULL AND placement_require <> '{}'::jsonb;
