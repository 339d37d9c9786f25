package io.octvex.edge.lease;

import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * How long to wait before asking the server again; {@link #reset()} after a success. Two kinds of failure:
 *
 * <ul>
 *   <li>{@link #unavailable}: the server is down, restarting, or cannot reach its database (no connection, a
 *       503). That passes by itself, usually in seconds, and the edge should be back as soon as it does: the
 *       server's {@code Retry-After} is honoured (at most {@link #RETRY_AFTER_CAP}), otherwise the wait grows
 *       only to {@link #UNAVAILABLE_CAP}, with full jitter so that a fleet cut off together does not return in
 *       lock-step.
 *   <li>{@link #next()}: any other refusal (a 400, a 500), which retrying soon is unlikely to cure: exponential
 *       up to the long cap, ±20 %.
 * </ul>
 *
 * Not thread-safe: one per loop.
 */
final class Backoff {
    /** A restart of the server or its database takes seconds; waiting longer only delays the recovery. */
    static final Duration UNAVAILABLE_CAP = Duration.ofSeconds(3);
    /** A server asking for more than this is not trusted further: the edge looks again by then. */
    static final Duration RETRY_AFTER_CAP = Duration.ofSeconds(10);
    private static final long FLOOR_MILLIS = 50;

    private final long firstMillis;
    private final long capMillis;
    private final RandomGenerator random;
    private int failures;

    Backoff(Duration first, Duration cap) {
        this(first, cap, new SplittableRandom());
    }

    Backoff(Duration first, Duration cap, RandomGenerator random) {
        this.firstMillis = first.toMillis();
        this.capMillis = cap.toMillis();
        this.random = random;
    }

    /** The next delay after a refusal: grows with each call until {@link #reset()}, never above the cap. */
    Duration next() {
        long base = grown(capMillis);
        failures++;
        double jitter = 0.8 + 0.4 * random.nextDouble();
        return Duration.ofMillis(Math.min(capMillis, Math.max(1, Math.round(base * jitter))));
    }

    /**
     * The next delay while the server is unreachable or unavailable. With a {@code Retry-After}: that (bounded),
     * plus up to a quarter more to spread a fleet. Without: uniformly random up to the grown delay ("full
     * jitter"), at most {@link #UNAVAILABLE_CAP}.
     */
    Duration unavailable(Optional<Duration> retryAfter) {
        long ceiling = Math.min(capMillis, UNAVAILABLE_CAP.toMillis());
        long base = grown(ceiling);
        failures++;
        if (retryAfter.isPresent()) {
            long asked = Math.min(RETRY_AFTER_CAP.toMillis(), Math.max(0, retryAfter.get().toMillis()));
            if (asked > 0) {
                return Duration.ofMillis(asked + random.nextLong(asked / 4 + 1));
            }
        }
        return Duration.ofMillis(FLOOR_MILLIS + random.nextLong(Math.max(1, base - FLOOR_MILLIS) + 1));
    }

    private long grown(long ceiling) {
        return failures >= 30 ? ceiling : Math.min(ceiling, firstMillis << failures);
    }

    int failures() {
        return failures;
    }

    void reset() {
        failures = 0;
    }
}
