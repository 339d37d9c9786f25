package io.octvex.edge.lease;

import java.time.Duration;

/** Waits between retries; tests pass one that records the waits instead of sleeping through them. */
@FunctionalInterface
interface Sleeper {
    Sleeper REAL = Thread::sleep;

    void sleep(Duration duration) throws InterruptedException;
}
