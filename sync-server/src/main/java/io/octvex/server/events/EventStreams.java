package io.octvex.server.events;

import io.octvex.protocol.EventPage;
import io.octvex.protocol.EventView;
import io.octvex.protocol.Json;
import io.octvex.protocol.Scope;
import io.octvex.server.OctvexProperties;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.identity.Caller;
import io.octvex.server.identity.WorkspaceAccess;
import io.octvex.server.web.ApiException;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-Sent Events per workspace, fed from the event table: each stream reads after its cursor, sends,
 * and sleeps until woken by a notification or the poll interval passes. Nothing is fanned out from memory,
 * so a stream on any replica sees every event, and a client that reconnects with Last-Event-ID resumes
 * exactly after the last event it received.
 */
final class EventStreams implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(EventStreams.class);
    private static final int BATCH = 200;
    private static final Duration KEEPALIVE = Duration.ofSeconds(15);
    private static final Duration MAX_STREAM = Duration.ofHours(1);

    private final AuditLog auditLog;
    private final WorkspaceAccess access;
    private final EventWakeups wakeups;
    private final Duration pollInterval;
    private final Set<SseEmitter> open = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    EventStreams(AuditLog auditLog, WorkspaceAccess access, EventWakeups wakeups, OctvexProperties properties) {
        this.auditLog = auditLog;
        this.access = access;
        this.wakeups = wakeups;
        this.pollInterval = properties.api().streamPollInterval();
    }

    SseEmitter open(Caller caller, UUID workspaceId, long afterSeq) {
        access.require(caller, workspaceId, Scope.EVENTS_READ);
        if (!running) {
            throw new ApiException(org.springframework.http.HttpStatus.SERVICE_UNAVAILABLE, "Shutting down",
                    "the server is shutting down; reconnect to another replica or retry shortly");
        }
        SseEmitter emitter = new SseEmitter(MAX_STREAM.toMillis());
        open.add(emitter);
        Stream stream = new Stream(caller, workspaceId, afterSeq, emitter);
        emitter.onCompletion(stream::stop);
        emitter.onTimeout(stream::stop);
        emitter.onError(e -> stream.stop());
        Thread.ofVirtual().name("octvex-sse-" + workspaceId).start(stream::pump);
        return emitter;
    }

    private final class Stream {
        private final Caller caller;
        private final UUID workspaceId;
        private final SseEmitter emitter;
        private long cursor;
        private volatile boolean stopped;

        Stream(Caller caller, UUID workspaceId, long cursor, SseEmitter emitter) {
            this.caller = caller;
            this.workspaceId = workspaceId;
            this.cursor = cursor;
            this.emitter = emitter;
        }

        void pump() {
            long lastSent = System.nanoTime();
            try {
                while (!stopped && running) {
                    long generation = wakeups.generation(workspaceId);
                    EventPage page = auditLog.page(workspaceId, cursor, BATCH);
                    for (EventView event : page.events()) {
                        emitter.send(SseEmitter.event().id(Long.toString(event.seq())).name("event")
                                .data(Json.write(event), MediaType.APPLICATION_JSON));
                        cursor = event.seq();
                    }
                    if (!page.events().isEmpty()) {
                        lastSent = System.nanoTime();
                    }
                    if (page.more()) {
                        continue;
                    }
                    if (System.nanoTime() - lastSent > KEEPALIVE.toNanos()) {
                        // re-check access while idle, so a revoked token or removed member is cut off
                        access.require(caller, workspaceId, Scope.EVENTS_READ);
                        emitter.send(SseEmitter.event().comment("keepalive"));
                        lastSent = System.nanoTime();
                    }
                    wakeups.await(workspaceId, generation, pollInterval);
                }
                emitter.complete();
            } catch (IOException | IllegalStateException e) {
                log.debug("event stream for {} closed: {}", workspaceId, e.getMessage());
                emitter.completeWithError(e);
            } catch (ApiException e) {
                emitter.complete();
            } catch (InterruptedException e) {
                emitter.complete();
            } catch (RuntimeException e) {
                log.warn("event stream for {} failed", workspaceId, e);
                emitter.completeWithError(e);
            } finally {
                open.remove(emitter);
            }
        }

        void stop() {
            stopped = true;
            open.remove(emitter);
            wakeups.wake(workspaceId);
        }
    }

    @Override
    public void start() {
        running = true;
    }

    /** Ends every stream at shutdown so graceful shutdown is not held up by long-lived connections. */
    @Override
    public void stop() {
        running = false;
        wakeups.wakeAll();
        open.forEach(SseEmitter::complete);
        open.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // stop before the web server's graceful shutdown waits on open requests
        return Integer.MAX_VALUE;
    }
}
