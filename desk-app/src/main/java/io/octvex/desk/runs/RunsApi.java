package io.octvex.desk.runs;

import io.octvex.protocol.EventView;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.RunPage;
import io.octvex.protocol.RunStatus;
import io.octvex.protocol.RunView;
import io.octvex.protocol.Timeline;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;

/** What the Runs screen needs from the server, in one workspace; blocking calls, made off the FX thread. */
interface RunsApi {
    /** Runs newest first, of {@code status} (null: any) created since {@code from} (null: ever). */
    RunPage runs(RunStatus status, Instant from, int limit, String before);

    RunView run(UUID runId);

    Timeline timeline(UUID runId);

    RunView cancel(UUID runId, String reason);

    byte[] artifact(UUID runId, UUID artifactId);

    /** The workspace's live events after {@code afterSeq}; {@code onOpen} on every (re)connect. */
    AutoCloseable subscribe(long afterSeq, Consumer<EventView> onEvent, Consumer<Throwable> onError, Runnable onOpen);

    static RunsApi of(OctvexClient client, UUID workspaceId) {
        return new RunsApi() {
            @Override
            public RunPage runs(RunStatus status, Instant from, int limit, String before) {
                return client.runs(workspaceId, status, from, null, limit, before);
            }

            @Override
            public RunView run(UUID runId) {
                return client.run(workspaceId, runId);
            }

            @Override
            public Timeline timeline(UUID runId) {
                return client.timeline(workspaceId, runId);
            }

            @Override
            public RunView cancel(UUID runId, String reason) {
                return client.cancelRun(workspaceId, runId, reason);
            }

            @Override
            public byte[] artifact(UUID runId, UUID artifactId) {
                return client.artifact(workspaceId, runId, artifactId);
            }

            @Override
            public AutoCloseable subscribe(long afterSeq, Consumer<EventView> onEvent, Consumer<Throwable> onError,
                                           Runnable onOpen) {
                return client.subscribe(workspaceId, afterSeq, onEvent, onError, onOpen);
            }
        };
    }
}
