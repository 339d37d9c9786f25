package io.octvex.server.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StepWakeupsTest {
    private final UUID ws = UUID.randomUUID();

    private CompletableFuture<Long> waitUpTo(StepWakeups wakeups, Duration wait) {
        long seen = wakeups.generation(List.of(ws));
        return CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            try {
                wakeups.await(List.of(ws), seen, wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        });
    }

    @Test
    void aQueuedStepWakesItsWorkspacesWaiters() throws Exception {
        StepWakeups wakeups = new StepWakeups();
        wakeups.start();
        CompletableFuture<Long> waiter = waitUpTo(wakeups, Duration.ofSeconds(30));
        Thread.sleep(100);
        wakeups.wake(ws);
        assertThat(waiter.get(5, TimeUnit.SECONDS)).isLessThan(5_000);
    }

    @Test
    void shutdownEndsEveryLongPollAtOnce() throws Exception {
        StepWakeups wakeups = new StepWakeups();
        wakeups.start();
        CompletableFuture<Long> waiter = waitUpTo(wakeups, Duration.ofSeconds(30));
        Thread.sleep(100);
        wakeups.stop();
        assertThat(waiter.get(5, TimeUnit.SECONDS)).isLessThan(5_000);
        assertThat(wakeups.closing()).isTrue();
        assertThat(waitUpTo(wakeups, Duration.ofSeconds(30)).get(5, TimeUnit.SECONDS)).isLessThan(1_000);
    }
}
