package io.octvex.server.fleet;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.stereotype.Component;

/**
 * Wakes long-polling lease requests when steps of their workspaces become queued. A generation counter per
 * workspace means a signal that arrives between a request's claim attempt and its wait is never missed.
 */
@Component
final class StepWakeups implements org.springframework.context.SmartLifecycle {
    private volatile boolean running;
    private volatile boolean closing;
    private final Map<UUID, Long> generations = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    /** The sum of the generations of {@code workspaceIds}: changes whenever one of them is woken. */
    long generation(Collection<UUID> workspaceIds) {
        long sum = 0;
        for (UUID ws : workspaceIds) {
            sum += generations.getOrDefault(ws, 0L);
        }
        return sum;
    }

    void wake(UUID workspaceId) {
        lock.lock();
        try {
            generations.merge(workspaceId, 1L, Long::sum);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** After a gap in listening: anything may have been queued. */
    void wakeAll() {
        lock.lock();
        try {
            generations.replaceAll((k, v) -> v + 1);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until one of the workspaces moves past {@code seen}, or the timeout passes; true when woken. */
    boolean await(Collection<UUID> workspaceIds, long seen, Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (generation(workspaceIds) == seen && !closing) {
                if (left <= 0) {
                    return false;
                }
                left = changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** True once the server is shutting down: waiting requests answer at once, with no new work. */
    boolean closing() {
        return closing;
    }

    @Override
    public void start() {
        closing = false;
        running = true;
    }

    /** Ends every long-poll before the web server's graceful shutdown waits on open requests. */
    @Override
    public void stop() {
        closing = true;
        running = false;
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }

    /** Wakes every waiter, e.g. so a drained or revoked edge's request answers at once. */
    void nudge() {
        wakeAll();
    }
}
