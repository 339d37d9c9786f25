package io.octvex.edge.lease;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential back-off with jitter: first, 2×, 4×, … capped; {@link #reset()} after a success. */
final class Backoff {
    private final long firstMillis;
    private final long capMillis;
    private int failures;

    Backoff(Duration first, Duration cap) {
        this.firstMillis = first.toMillis();
        this.capMillis = cap.toMillis();
    }

    /** The next delay: grows with each call until {@link #reset()}, never above the cap. */
    Duration next() {
        long base = failures >= 30 ? capMillis : Math.min(capMillis, firstMillis << failures);
        failures++;
        // ±20 % so that many edges cut off together do not come back in lock-step
        double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis(Math.min(capMillis, Math.max(1, Math.round(base * jitter))));
    }

    int failures() {
        return failures;
    }

    void reset() {
        failures = 0;
    }
}
