package io.octvex.server.run;

import static io.octvex.protocol.RunStatus.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatNoException;

import io.octvex.protocol.RunStatus;
import io.octvex.protocol.StepStatus;
import io.octvex.server.web.ApiException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/**
 * Every (from, to) pair of both tables, checked against the specification written out here independently
 * of the production table: legal pairs pass, every other pair is refused with a 409 naming both statuses.
 */
class RunTransitionTablesTest {
    private static final Set<String> RUN_PAIRS = Set.of(
            "planning>queued", "planning>failed", "planning>cancelled",
            "queued>running", "queued>blocked", "queued>cancelled", "queued>failed",
            "running>blocked", "running>completed", "running>failed", "running>cancelled",
            "blocked>running", "blocked>failed", "blocked>cancelled");

    private static final Set<String> STEP_PAIRS = Set.of(
            "pending>queued", "pending>skipped", "pending>cancelled",
            "queued>running", "queued>cancelled", "queued>skipped", "queued>blocked", "queued>failed",
            "running>blocked", "running>completed", "running>failed", "running>cancelled", "running>queued",
            "blocked>running", "blocked>failed", "blocked>cancelled", "blocked>queued");

    @Test
    void everyRunPairIsAllowedExactlyWhenTheSpecificationSaysSo() {
        Set<String> allowed = new HashSet<>();
        int checked = 0;
        for (RunStatus from : RunStatus.values()) {
            for (RunStatus to : RunStatus.values()) {
                checked++;
                String pair = from.wire() + ">" + to.wire();
                boolean legal = RUN_PAIRS.contains(pair);
                assertThat(RunTransitions.allowed(from, to)).as(pair).isEqualTo(legal);
                if (legal) {
                    allowed.add(pair);
                    assertThatNoException().isThrownBy(() -> RunTransitions.check(from, to));
                } else {
                    assertThatThrownBy(() -> RunTransitions.check(from, to)).as(pair)
                            .isInstanceOfSatisfying(ApiException.class, e -> {
                                assertThat(e.status()).isEqualTo(HttpStatus.CONFLICT);
                                assertThat(e.getMessage()).startsWith(
                                        "a run that is " + from.wire() + " cannot become " + to.wire());
                            });
                }
            }
        }
        assertThat(checked).isEqualTo(49);
        assertThat(allowed).isEqualTo(RUN_PAIRS);
    }

    @Test
    void everyStepPairIsAllowedExactlyWhenTheSpecificationSaysSo() {
        Set<String> allowed = new HashSet<>();
        int checked = 0;
        for (StepStatus from : StepStatus.values()) {
            for (StepStatus to : StepStatus.values()) {
                checked++;
                String pair = from.wire() + ">" + to.wire();
                boolean legal = STEP_PAIRS.contains(pair);
                assertThat(StepTransitions.allowed(from, to)).as(pair).isEqualTo(legal);
                if (legal) {
                    allowed.add(pair);
                    assertThatNoException().isThrownBy(() -> StepTransitions.check(from, to));
                } else {
                    assertThatThrownBy(() -> StepTransitions.check(from, to)).as(pair)
                            .isInstanceOfSatisfying(ApiException.class, e -> {
                                assertThat(e.status()).isEqualTo(HttpStatus.CONFLICT);
                                assertThat(e.getMessage()).startsWith(
                                        "a step that is " + from.wire() + " cannot become " + to.wire());
                            });
                }
            }
        }
        assertThat(checked).isEqualTo(64);
        assertThat(allowed).isEqualTo(STEP_PAIRS);
    }

    @Test
    void terminalStatusesHaveNoSuccessorsAndOthersDo() {
        for (RunStatus s : RunStatus.values()) {
            assertThat(RunTransitions.successors(s).isEmpty()).as(s.wire()).isEqualTo(s.terminal());
        }
        for (StepStatus s : StepStatus.values()) {
            assertThat(StepTransitions.successors(s).isEmpty()).as(s.wire()).isEqualTo(s.terminal());
        }
    }

    @Test
    void theRefusalSaysWhatWouldBeAllowed() {
        assertThatThrownBy(() -> StepTransitions.check(StepStatus.COMPLETED, StepStatus.RUNNING))
                .hasMessage("a step that is completed cannot become running; it is finished");
        assertThatThrownBy(() -> RunTransitions.check(QUEUED, COMPLETED))
                .hasMessage("a run that is queued cannot become completed; from queued it may become running, blocked, "
                        + "failed, cancelled");
    }
}
