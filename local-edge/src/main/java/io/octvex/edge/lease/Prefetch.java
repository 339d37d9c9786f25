package io.octvex.edge.lease;

import java.time.Duration;

/**
 * Whether an edge may hold leases beyond its free slots (ADR 0038): up to {@code extra} steps waiting for a
 * slot, so that one claim or report carries more steps. Only while its recent steps ran short: a step waiting
 * behind slow ones would sit on a busy edge while another edge could run it.
 */
final class Prefetch {
    /** Recent steps averaging less than this keep prefetching on. */
    static final Duration SHORT = Duration.ofMillis(250);
    /** Weight of the newest step in the running average. */
    private static final double NEWEST = 0.2;

    private final int extra;
    private double averageMillis = -1; // no step seen yet: no prefetch until one shows how long steps take

    /** {@code extra} is 0 or more ({@link Edge.Builder#prefetch} checks it). */
    Prefetch(int extra) {
        this.extra = extra;
    }

    /** Steps this edge may hold beyond its slots when prefetching. */
    int extra() {
        return extra;
    }

    /** A step's handler ran for {@code time}. */
    synchronized void ran(Duration time) {
        double millis = time.toNanos() / 1e6;
        averageMillis = averageMillis < 0 ? millis : (1 - NEWEST) * averageMillis + NEWEST * millis;
    }

    /** True while leases beyond the free slots may be asked for. */
    synchronized boolean open() {
        return extra > 0 && averageMillis >= 0 && averageMillis < SHORT.toMillis();
    }
}
