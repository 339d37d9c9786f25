package io.octvex.server.events;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wakes the streams of one workspace when its log grows. A generation counter per workspace means a
 * signal that arrives between a stream's read and its wait is never missed.
 */
final class EventWakeups {
    private final Map<UUID, Signal> signals = new ConcurrentHashMap<>();

    long generation(UUID workspaceId) {
        return signal(workspaceId).generation();
    }

    void wake(UUID workspaceId) {
        signal(workspaceId).advance();
    }

    void wakeAll() {
        signals.values().forEach(Signal::advance);
    }

    /** Waits until the generation moves past {@code seen}, or the timeout passes. */
    void await(UUID workspaceId, long seen, Duration timeout) throws InterruptedException {
        signal(workspaceId).await(seen, timeout);
    }

    private Signal signal(UUID workspaceId) {
        return signals.computeIfAbsent(workspaceId, id -> new Signal());
    }

    private static final class Signal {
        private long generation;

        synchronized long generation() {
            return generation;
        }

        synchronized void advance() {
            generation++;
            notifyAll();
        }

        synchronized void await(long seen, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (generation == seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                wait(Math.max(1, left / 1_000_000));
            }
        }
    }
}
