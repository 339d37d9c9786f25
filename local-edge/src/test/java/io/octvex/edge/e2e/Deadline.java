package io.octvex.edge.e2e;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** Every wait in the fault tests is bounded: it ends with a failure that says what did not happen. */
final class Deadline {
    /** A server start, bounded generously: on two cores shared with other builds one has taken over 2 minutes. */
    static final Duration SERVER_START = Duration.ofSeconds(240);

    private Deadline() {}

    static void await(String what, Duration timeout, Callable<Boolean> condition, Supplier<String> diagnostics)
            throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what + "\n"
                        + diagnostics.get());
            }
            Thread.sleep(200);
        }
    }

    static String tail(String text, int n) {
        return text.length() <= n ? text : text.substring(text.length() - n);
    }
}
