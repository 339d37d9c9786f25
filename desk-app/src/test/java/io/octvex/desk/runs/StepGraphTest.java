package io.octvex.desk.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.StepStatus;
import io.octvex.protocol.StepView;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepGraphTest {

    @Test
    void aStepSitsOneLayerAfterItsLongestChainOfDependencies() {
        // a → b → d, a → c → d, and e → d directly: d waits for the longest chain (layer 2)
        var graph = StepGraph.of(List.of(step("a"), step("b", "a"), step("c", "a"), step("e"), step("d", "b", "c", "e")));
        assertThat(graph.nodes()).extracting(n -> n.step().key() + "@" + n.layer() + "," + n.row())
                .containsExactly("a@0,0", "b@1,0", "c@1,1", "e@0,1", "d@2,0");
        assertThat(graph.arrows()).extracting(a -> a.from() + "→" + a.to())
                .containsExactly("a→b", "a→c", "b→d", "c→d", "e→d");
        assertThat(graph.layers()).isEqualTo(3);
        assertThat(graph.rows()).isEqualTo(2);
    }

    @Test
    void unknownDependenciesAndCyclesDoNotBreakTheLayout() {
        var graph = StepGraph.of(List.of(step("x", "y"), step("y", "x"), step("z", "missing")));
        assertThat(graph.nodes()).hasSize(3);
        assertThat(graph.arrows()).extracting(a -> a.from() + "→" + a.to()).containsExactly("y→x", "x→y");
    }

    static StepView step(String key, String... dependsOn) {
        return new StepView(java.util.UUID.randomUUID(), key, "noop", "run", null, List.of(dependsOn),
                StepStatus.PENDING, 1, null, null, null, 0);
    }
}
