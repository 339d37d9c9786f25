package io.octvex.edge.lease;

import java.time.Duration;

/**
 * How many leases an edge may hold beyond its slots (ADR 0038, 0039): steps waiting for a slot, so that one
 * claim or report carries more steps. Only while its recent steps ran short, and only as many as its slots
 * work through within {@link #SHORT} at their recent pace: a step waiting longer would sit on a busy edge while
 * another edge could run it.
 */
final class Prefetch {
    /** Recent steps averaging less than this keep prefetching on; a prefetched step waits about this long at most. */
    static final Duration SHORT = Duration.ofMillis(250);
    /** Weight of the newest step in the running average. */
    private static final double NEWEST = 0.2;

    private final int capacity;
    private final int extra;
    private double averageMillis = -1; // no step seen yet: no prefetch until one shows how long steps take

    /** {@code capacity} is 1 or more and {@code extra} 0 or more ({@link Edge.Builder} checks both). */
    Prefetch(int capacity, int extra) {
        this.capacity = capacity;
        this.extra = extra;
    }

    /** Steps this edge may ever hold beyond its slots. */
    int extra() {
        return extra;
    }

    /** A step's handler ran for {@code time}. */
    synchronized void ran(Duration time) {
        double millis = time.toNanos() / 1e6;
        averageMillis = averageMillis < 0 ? millis : (1 - NEWEST) * averageMillis + NEWEST * millis;
    }

    /**
     * Leases that may be asked for beyond the slots now: none before the first step or while steps average
     * {@link #SHORT} or more; else as many as the slots get through in {@link #SHORT}, at most {@link #extra}.
     */
    synchronized int allowed() {
        if (extra == 0 || averageMillis < 0 || averageMillis >= SHORT.toMillis()) {
            return 0;
        }
        return (int) Math.min(extra, Math.floor(capacity * SHORT.toMillis() / Math.max(averageMillis, 1e-3)));
    }
}
