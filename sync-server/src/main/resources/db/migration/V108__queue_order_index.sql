-- A claim reads the oldest queued steps an edge may take. The index on (workspace, handler, time) cannot give
-- one order across the several handlers an edge has, so every claim sorted all of the workspace's queued
-- steps: a cost that grew with the queue (55 runs/s at 10k waiting against 103 at 3k). In queue order from
-- the index, a claim stops at its limit.
DROP INDEX steps_queued;
CREATE INDEX steps_queued ON steps (workspace_id, updated_at, id) WHERE status = 'queued';
