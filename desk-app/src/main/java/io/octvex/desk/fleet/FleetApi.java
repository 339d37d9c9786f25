package io.octvex.desk.fleet;

import io.octvex.protocol.EdgeView;
import io.octvex.protocol.EventView;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.RunStatus;
import io.octvex.protocol.StepStatus;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/** What the Fleet screen needs from the server, in one workspace; blocking calls, made off the FX thread. */
interface FleetApi {
    List<EdgeView> edges();

    EdgeView quarantine(UUID edgeId);

    EdgeView drain(UUID edgeId);

    EdgeView release(UUID edgeId);

    /** Steps waiting for an edge (status queued) in the workspace's unfinished runs. */
    int queuedSteps();

    AutoCloseable subscribe(long afterSeq, Consumer<EventView> onEvent, Consumer<Throwable> onError, Runnable onOpen);

    static FleetApi of(OctvexClient client, UUID workspaceId) {
        return new FleetApi() {
            @Override
            public List<EdgeView> edges() {
                return client.edges(workspaceId);
            }

            @Override
            public EdgeView quarantine(UUID edgeId) {
                return client.quarantineEdge(workspaceId, edgeId);
            }

            @Override
            public EdgeView drain(UUID edgeId) {
                return client.drainEdge(workspaceId, edgeId);
            }

            @Override
            public EdgeView release(UUID edgeId) {
                return client.releaseEdge(workspaceId, edgeId);
            }

            /**
             * No endpoint reports the queue, so it is counted from the runs that can hold queued steps (the
             * newest 100 of each such status: a bound, and plenty for a chart's trend).
             */
            @Override
            public int queuedSteps() {
                int queued = 0;
                for (RunStatus status : List.of(RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.BLOCKED)) {
                    queued += (int) client.runs(workspaceId, status, 100).runs().stream()
                            .flatMap(r -> r.steps().stream()).filter(s -> s.status() == StepStatus.QUEUED).count();
                }
                return queued;
            }

            @Override
            public AutoCloseable subscribe(long afterSeq, Consumer<EventView> onEvent, Consumer<Throwable> onError,
                                           Runnable onOpen) {
                return client.subscribe(workspaceId, afterSeq, onEvent, onError, onOpen);
            }
        };
    }
}
