package io.octvex.edge.lease;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How many steps an edge may hold beyond its slots, by how long its recent steps ran (ADR 0038, 0039). */
class PrefetchTest {
    @Test
    void noneBeforeTheFirstStepHasRun() {
        assertThat(new Prefetch(8, 56).allowed()).isZero();
    }

    @Test
    void asManyAsTheSlotsGetThroughIn250MillisecondsAtMostTheExtra() {
        assertThat(after(8, 56, 1)).as("1 ms steps: 2,000 would fit, the extra caps it").isEqualTo(56);
        assertThat(after(8, 56, 100)).as("8 slots x 250 / 100 ms").isEqualTo(20);
        assertThat(after(8, 56, 249)).isEqualTo(8);
        assertThat(after(2, 14, 120)).isEqualTo(4);
        assertThat(after(8, 4, 10)).isEqualTo(4);
    }

    @Test
    void noneWhileStepsAverage250MillisecondsOrMore() {
        assertThat(after(8, 56, 250)).isZero();
        assertThat(after(8, 56, 5_000)).isZero();
        assertThat(after(8, 0, 1)).as("prefetch off").isZero();
    }

    @Test
    void theRecentStepsWeighMostSoItReopensAfterSlowStepsGiveWayToShortOnes() {
        Prefetch prefetch = new Prefetch(4, 28);
        prefetch.ran(Duration.ofSeconds(2));
        assertThat(prefetch.allowed()).isZero();
        for (int i = 0; i < 20; i++) {
            prefetch.ran(Duration.ofMillis(5)); // the average falls to about 28 ms: 4 x 250 / 28 = 35 would fit
        }
        assertThat(prefetch.allowed()).isEqualTo(28);
    }

    private static int after(int capacity, int extra, long stepMillis) {
        Prefetch prefetch = new Prefetch(capacity, extra);
        for (int i = 0; i < 3; i++) {
            prefetch.ran(Duration.ofMillis(stepMillis));
        }
        return prefetch.allowed();
    }
}
