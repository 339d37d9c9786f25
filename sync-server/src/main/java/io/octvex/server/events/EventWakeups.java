package io.octvex.server.events;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes the streams and waiters of one workspace when its log grows. A generation counter per workspace means
 * a signal that arrives between a reader's read and its wait is never missed. The waiters are virtual threads:
 * a lock and condition (not {@code synchronized}/{@code wait}) keep them from pinning their carrier on JDK 21.
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
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition advanced = lock.newCondition();
        private long generation;

        long generation() {
            lock.lock();
            try {
                return generation;
            } finally {
                lock.unlock();
            }
        }

        void advance() {
            lock.lock();
            try {
                generation++;
                advanced.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void await(long seen, Duration timeout) throws InterruptedException {
            lock.lock();
            try {
                long left = timeout.toNanos();
                while (generation == seen && left > 0) {
                    left = advanced.awaitNanos(left);
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
