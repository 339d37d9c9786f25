package io.octvex.server.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.server.fleet.ScalingPolicy.Decision;
import io.octvex.server.fleet.ScalingPolicy.Limits;
import io.octvex.server.fleet.ScalingPolicy.Observation;
import org.junit.jupiter.api.Test;

/** The auto-scaler's decision as a pure function of what it observed. */
class ScalingPolicyTest {
    private static final Limits LIMITS = new Limits(0, 3, 1.0, 4);

    private static Decision decide(int queued, int capacity, int provisioned, int idle, boolean cooledDown, Limits l) {
        return ScalingPolicy.decide(new Observation(queued, capacity, provisioned, idle, cooledDown), l);
    }

    @Test
    void aLongQueueWithNoEdgesScalesUpToMax() {
        assertThat(decide(50, 0, 0, 0, true, LIMITS)).isEqualTo(new Decision(3, 0));
    }

    @Test
    void theExcessDecidesHowManyAndMaxCapsIt() {
        assertThat(decide(5, 4, 1, 0, true, LIMITS)).isEqualTo(new Decision(1, 0)); // 1 step over 4 slots
        assertThat(decide(13, 4, 1, 0, true, LIMITS)).isEqualTo(new Decision(2, 0)); // 9 over → 3 edges, max leaves 2
        assertThat(decide(100, 12, 3, 0, true, LIMITS)).isEqualTo(Decision.NOTHING); // at max
        assertThat(decide(9, 4, 1, 0, true, new Limits(0, 10, 2.0, 4))).isEqualTo(new Decision(1, 0)); // 9 > 2×4
    }

    @Test
    void queuedAtOrBelowTheThresholdDoesNothing() {
        assertThat(decide(4, 4, 1, 0, true, LIMITS)).isEqualTo(Decision.NOTHING);
        assertThat(decide(8, 4, 1, 0, true, new Limits(0, 3, 2.0, 4))).isEqualTo(Decision.NOTHING);
    }

    @Test
    void edgesStillStartingCountAsCapacity() {
        // three launched, none enrolled yet: capacity 12 absorbs a queue of 12
        assertThat(decide(12, 12, 3, 0, true, new Limits(0, 10, 1.0, 4))).isEqualTo(Decision.NOTHING);
    }

    @Test
    void nothingHappensWithinTheCooldown() {
        assertThat(decide(50, 0, 0, 0, false, LIMITS)).isEqualTo(Decision.NOTHING);
        assertThat(decide(0, 8, 2, 2, false, LIMITS)).isEqualTo(Decision.NOTHING);
        assertThat(decide(0, 0, 0, 0, false, new Limits(2, 3, 1.0, 4))).isEqualTo(Decision.NOTHING);
    }

    @Test
    void belowMinScalesUpToMinWithoutAQueue() {
        assertThat(decide(0, 0, 0, 0, true, new Limits(2, 3, 1.0, 4))).isEqualTo(new Decision(2, 0));
    }

    @Test
    void idleEdgesAreDrainedDownToMinOnlyWhenNothingIsQueued() {
        assertThat(decide(0, 12, 3, 3, true, LIMITS)).isEqualTo(new Decision(0, 3));
        assertThat(decide(0, 12, 3, 3, true, new Limits(1, 3, 1.0, 4))).isEqualTo(new Decision(0, 2));
        assertThat(decide(0, 12, 3, 1, true, LIMITS)).isEqualTo(new Decision(0, 1));
        assertThat(decide(2, 12, 3, 3, true, LIMITS)).isEqualTo(Decision.NOTHING);
        assertThat(decide(0, 4, 1, 1, true, new Limits(1, 3, 1.0, 4))).isEqualTo(Decision.NOTHING);
        assertThat(decide(0, 12, 3, 0, true, LIMITS)).isEqualTo(Decision.NOTHING);
    }
}
