package io.octvex.bench;

import java.time.Duration;

/** How many items a system finished, over which span of time. */
record Throughput(String system, long items, Duration span) {
    double perSecond() {
        return items / (span.toNanos() / 1e9);
    }

    @Override
    public String toString() {
        return String.format("%s: %d in %.2f s = %.0f/s", system, items, span.toNanos() / 1e9, perSecond());
    }
}
