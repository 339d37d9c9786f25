package io.octvex.edge.lease;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Waits while the server is away stay short and spread; the server's Retry-After is honoured but bounded. */
class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new SplittableRandom(7));

    @Test
    void anUnavailableServerIsAskedAgainWithinAFewSecondsSpreadOverTheWholeRange() {
        Duration shortest = Duration.ofDays(1);
        Duration longest = Duration.ZERO;
        for (int i = 0; i < 200; i++) {
            Duration wait = backoff.unavailable(Optional.empty());
            shortest = wait.compareTo(shortest) < 0 ? wait : shortest;
            longest = wait.compareTo(longest) > 0 ? wait : longest;
        }
        assertThat(longest).isLessThanOrEqualTo(Backoff.UNAVAILABLE_CAP).isGreaterThan(Duration.ofMillis(2500));
        assertThat(shortest).as("full jitter: some come back almost at once").isLessThan(Duration.ofMillis(300))
                .isGreaterThanOrEqualTo(Duration.ofMillis(50));
    }

    @Test
    void theFirstWaitsAreShorterThanLaterOnes() {
        assertThat(backoff.unavailable(Optional.empty())).isLessThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.unavailable(Optional.empty())).isLessThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theServersRetryAfterIsHonouredWithAQuarterOfSpread() {
        for (int i = 0; i < 50; i++) {
            assertThat(backoff.unavailable(Optional.of(Duration.ofSeconds(5))))
                    .isBetween(Duration.ofSeconds(5), Duration.ofMillis(6250));
        }
    }

    @Test
    void aRetryAfterBeyondTheBoundIsCutToIt() {
        for (int i = 0; i < 50; i++) {
            assertThat(backoff.unavailable(Optional.of(Duration.ofHours(1))))
                    .isBetween(Backoff.RETRY_AFTER_CAP, Backoff.RETRY_AFTER_CAP.multipliedBy(5).dividedBy(4));
        }
        assertThat(backoff.unavailable(Optional.of(Duration.ZERO))).as("zero: as if none was sent")
                .isLessThanOrEqualTo(Backoff.UNAVAILABLE_CAP);
    }

    @Test
    void otherRefusalsBackOffExponentiallyToTheLongCapAndASuccessStartsOver() {
        Duration last = Duration.ZERO;
        for (int i = 0; i < 10; i++) {
            last = backoff.next();
        }
        assertThat(last).isBetween(Duration.ofSeconds(24), Duration.ofSeconds(30));
        assertThat(backoff.failures()).isEqualTo(10);

        backoff.reset();

        assertThat(backoff.next()).isBetween(Duration.ofMillis(800), Duration.ofMillis(1200));
        backoff.reset();
        assertThat(backoff.unavailable(Optional.empty())).isLessThanOrEqualTo(Duration.ofSeconds(1));
    }
}
