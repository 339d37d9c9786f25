package io.octvex.server.policy;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

/** Keeps the benchmark honest: its set-up asserts both engines agree on every case it measures. */
class PolicyDecisionBenchmarkSetupTest {
    @Test
    void bothEnginesAgreeOnTheMeasuredCases() {
        assertThatCode(() -> new PolicyDecisionBenchmark().setUp()).doesNotThrowAnyException();
    }
}
