package io.octvex.server.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.octvex.protocol.Heartbeat;
import io.octvex.protocol.Json;
import io.octvex.protocol.Lease;
import io.octvex.protocol.Placement;
import io.octvex.protocol.RunView;
import io.octvex.protocol.StepSpec;
import io.octvex.server.ServerTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Placement over real HTTP: hard constraints, the score deciding between live edges, and why it was chosen. */
@ServerTest
class PlacementTest {
    @LocalServerPort int port;
    @Autowired JdbcClient jdbc;
    FleetFixtures fleet;
    UUID ws;

    @BeforeEach
    void setUp() {
        fleet = new FleetFixtures(port);
        ws = fleet.workspace("placement");
    }

    void heartbeat(FleetFixtures.Edge edge, long latency) {
        assertThat(fleet.api().send("POST", "/api/v1/edge/heartbeat", edge.token(),
                new Heartbeat(List.of(), 1, latency)).status()).isEqualTo(200);
    }

    List<JsonNode> events(UUID runId, String type) {
        return jdbc.sql("SELECT data::text FROM events WHERE workspace_id = ? AND run_id = ? AND type = ? ORDER BY seq")
                .param(ws).param(runId).param(type).query(String.class).list().stream().map(Json::tree).toList();
    }

    static StepSpec placed(String key, String handler, Map<String, String> require, Map<String, String> prefer) {
        return new StepSpec(key, handler, "x", null, null, new Placement(require, prefer), null);
    }

    @Test
    void theBestScoringLiveEdgeGetsTheStepAndTheBreakdownIsRecorded() {
        FleetFixtures.Edge small = fleet.edge(ws, "small-eu", Map.of("region", "eu"), List.of("http"), 1);
        FleetFixtures.Edge far = fleet.edge(ws, "big-us", Map.of("region", "us"), List.of("http"), 4);
        FleetFixtures.Edge best = fleet.edge(ws, "gpu-eu", Map.of("region", "eu", "gpu", "yes"), List.of("http"), 8);
        heartbeat(small, 10);
        heartbeat(far, 200);
        heartbeat(best, 50);
        RunView run = fleet.submit(ws, placed("train", "http", Map.of(), Map.of("region", "eu", "gpu", "yes")));
        // the others ask first, but within the grace period only the best-scoring edge may take it
        assertThat(fleet.lease(small, 1, 0).leases()).isEmpty();
        assertThat(fleet.lease(far, 1, 0).leases()).isEmpty();
        List<Lease> leases = fleet.lease(best, 1, 0).leases();
        assertThat(leases).extracting(Lease::stepKey).containsExactly("train");

        JsonNode placed = events(run.id(), "step.placed").getFirst();
        assertThat(placed.get("edgeId").asString()).isEqualTo(best.id().toString());
        assertThat(placed.get("edgeName").asString()).isEqualTo("gpu-eu");
        assertThat(placed.get("rule").asString()).isEqualTo("best score");
        JsonNode breakdown = placed.get("breakdown");
        assertThat(breakdown.get("capacity").asDouble()).isEqualTo(1.0);
        assertThat(breakdown.get("affinity").asDouble()).isEqualTo(1.0);
        assertThat(breakdown.get("latency").asDouble()).isEqualTo(0.667);
        assertThat(breakdown.get("health").asDouble()).isEqualTo(1.0);
        assertThat(breakdown.get("fitness").asDouble()).isEqualTo(1.0);
        assertThat(placed.get("score").asDouble()).isEqualTo(0.95);
        List<String> order = new ArrayList<>();
        for (JsonNode c : placed.get("candidates")) {
            order.add(c.get("edgeName").asString());
            JsonNode b = c.get("breakdown");
            double sum = PlacementScorer.W_CAPACITY * b.get("capacity").asDouble()
                    + PlacementScorer.W_AFFINITY * b.get("affinity").asDouble()
                    + PlacementScorer.W_LATENCY * b.get("latency").asDouble()
                    + PlacementScorer.W_HEALTH * b.get("health").asDouble()
                    + PlacementScorer.W_FITNESS * b.get("fitness").asDouble();
            assertThat(c.get("score").asDouble()).as(c.toString()).isCloseTo(sum, org.assertj.core.data.Offset.offset(0.0011));
        }
        assertThat(order).containsExactly("gpu-eu", "small-eu", "big-us");
        assertThat(placed.get("candidates").get(1).get("score").asDouble()).isEqualTo(0.861);
        assertThat(placed.get("candidates").get(2).get("score").asDouble()).isEqualTo(0.65);
    }

    @Test
    void anotherEligibleEdgeTakesTheStepOnceTheGraceHasPassed() throws Exception {
        FleetFixtures.Edge idle = fleet.edge(ws, "second-best", Map.of(), List.of("http"), 1);
        FleetFixtures.Edge busy = fleet.edge(ws, "best-but-silent", Map.of("zone", "a"), List.of("http"), 8);
        RunView run = fleet.submit(ws, placed("job", "http", Map.of(), Map.of("zone", "a")));
        assertThat(fleet.lease(idle, 1, 0).leases()).isEmpty();
        Thread.sleep(2_300);
        assertThat(fleet.lease(idle, 1, 0).leases()).extracting(Lease::stepKey).containsExactly("job");
        JsonNode placed = events(run.id(), "step.placed").getFirst();
        assertThat(placed.get("edgeId").asString()).isEqualTo(idle.id().toString());
        assertThat(placed.get("rule").asString()).contains("grace");
        assertThat(placed.get("candidates").get(0).get("edgeId").asString()).isEqualTo(busy.id().toString());
    }

    @Test
    void aStepPinnedToAHostRunsOnlyThere() throws Exception {
        FleetFixtures.Edge one = fleet.edge(ws, "build-01", Map.of("host", "build-01"), List.of("http"), 4);
        FleetFixtures.Edge two = fleet.edge(ws, "build-02", Map.of("host", "build-02"), List.of("http"), 1);
        fleet.submit(ws, placed("pinned", "http", Map.of("host", "build-02"), Map.of()));
        Thread.sleep(2_300); // past the grace: still only the pinned host may take it
        assertThat(fleet.lease(one, 4, 1).leases()).isEmpty();
        assertThat(fleet.lease(two, 1, 0).leases()).extracting(Lease::stepKey).containsExactly("pinned");
    }

    @Test
    void aStepNoEdgeCanTakeSaysWhyOnce() {
        fleet.edge(ws, "web-only", Map.of("os", "linux"), List.of("http"), 2);
        RunView run = fleet.submit(ws, placed("ocr", "ocr", Map.of(), Map.of()),
                placed("mac", "http", Map.of("os", "macos"), Map.of()));
        await().atMost(Duration.ofSeconds(10)).until(() -> events(run.id(), "step.unplaced").size() == 2);
        Map<String, String> reasons = new java.util.HashMap<>();
        events(run.id(), "step.unplaced").forEach(e -> reasons.put(e.get("key").asString(), e.get("reason").asString()));
        assertThat(reasons.get("ocr")).contains("handler 'ocr'");
        assertThat(reasons.get("mac")).contains("os=macos");
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(events(run.id(), "step.unplaced")).hasSize(2); // once, not every sweep
        // an edge that fits arrives: the step is placed
        FleetFixtures.Edge mac = fleet.edge(ws, "mac", Map.of("os", "macos"), List.of("http"), 1);
        assertThat(fleet.lease(mac, 1, 0).leases()).extracting(Lease::stepKey).containsExactly("mac");
    }

    @Test
    void theScorerIsPureAndItsComponentsAddUp() {
        PlacementScorer scorer = new PlacementScorer(Duration.ofSeconds(30));
        java.time.Instant now = java.time.Instant.parse("2030-01-01T00:00:00Z");
        FleetStore.EdgeRow edge = new FleetStore.EdgeRow(UUID.randomUUID(), "e", io.octvex.protocol.EdgeState.ACTIVE,
                Map.of("a", "1"), List.of("http"), 4, null, now, now.minusSeconds(20), null, 300L, 1,
                List.of(ws, UUID.randomUUID()), 0);
        var step = new PlacementScorer.StepNeeds(ws, "http", Map.of(), Map.of("a", "1", "b", "2"));
        var score = scorer.score(new PlacementScorer.Candidate(edge, 1), step, now);
        assertThat(score.breakdown()).containsEntry("capacity", 0.75).containsEntry("affinity", 0.5)
                .containsEntry("latency", 0.25).containsEntry("health", 0.25).containsEntry("fitness", 0.5);
        // 0.3×0.75 + 0.25×0.5 + 0.15×0.25 + 0.2×0.25 + 0.1×0.5 = 0.4875
        assertThat(score.score()).isCloseTo(0.4875, org.assertj.core.data.Offset.offset(0.0006));
        assertThat(scorer.eligible(new PlacementScorer.Candidate(edge, 4), step, now)).isTrue(); // to prefetch
        assertThat(scorer.eligible(new PlacementScorer.Candidate(edge, 31), step, now)).isTrue();
        assertThat(scorer.eligible(new PlacementScorer.Candidate(edge, 32), step, now)).isFalse(); // at the lease limit
        assertThat(scorer.eligible(new PlacementScorer.Candidate(edge, 0), step, now.plusSeconds(11))).isFalse(); // not live
    }

    @Test
    void anEdgeWithAFreeSlotOutranksABusyOneAndABusyOneIsRankedUpToItsLeaseLimit() {
        PlacementScorer scorer = new PlacementScorer(Duration.ofSeconds(30));
        java.time.Instant now = java.time.Instant.parse("2030-01-01T00:00:00Z");
        FleetStore.EdgeRow busy = row("busy", Map.of("a", "1"), now);
        FleetStore.EdgeRow other = row("other", Map.of(), now);
        var step = new PlacementScorer.StepNeeds(ws, "http", Map.of(), Map.of("a", "1"));
        // the busy edge scores better on affinity, but the other has a free slot: the other first
        assertThat(scorer.rank(List.of(new PlacementScorer.Candidate(busy, 4), new PlacementScorer.Candidate(other, 3)),
                step, now)).extracting(PlacementScorer.Score::edgeName, PlacementScorer.Score::freeSlot)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("other", true),
                        org.assertj.core.groups.Tuple.tuple("busy", false));
        // no free slot anywhere: both, under their lease limit of 8 per slot, best first
        assertThat(scorer.rank(List.of(new PlacementScorer.Candidate(busy, 31), new PlacementScorer.Candidate(other, 4)),
                step, now)).extracting(PlacementScorer.Score::edgeName).containsExactly("busy", "other");
        // at the limit: not ranked
        assertThat(scorer.rank(List.of(new PlacementScorer.Candidate(busy, 32), new PlacementScorer.Candidate(other, 4)),
                step, now)).extracting(PlacementScorer.Score::edgeName).containsExactly("other");
        assertThat(PlacementScorer.leaseLimit(4)).isEqualTo(32);
    }

    private FleetStore.EdgeRow row(String name, Map<String, String> labels, java.time.Instant now) {
        return new FleetStore.EdgeRow(UUID.randomUUID(), name, io.octvex.protocol.EdgeState.ACTIVE, labels,
                List.of("http"), 4, null, now, now, null, 10L, 0, List.of(ws), 0);
    }

    @Test
    void aSweepPassRecordsItsUnplacedStepsInOneTransaction() {
        fleet.edge(ws, "web-only", Map.of(), List.of("http"), 2);
        List<StepSpec> steps = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            steps.add(placed("ocr" + i, "ocr", Map.of(), Map.of()));
        }
        RunView run = fleet.submit(ws, steps.toArray(StepSpec[]::new)); // one transaction: one pass sees them all
        await().atMost(Duration.ofSeconds(10)).until(() -> events(run.id(), "step.unplaced").size() == 5);

        // the events of one transaction share its time
        assertThat(jdbc.sql("""
                SELECT count(DISTINCT at) FROM events WHERE workspace_id = ? AND run_id = ? AND type = 'step.unplaced'""")
                .param(ws).param(run.id()).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void theUnplacedSweepReadsWhatNoEdgeServesNotTheQueue() {
        fleet.edge(ws, "serves-http", Map.of(), List.of("http"), 1);
        long before = stepRowsReadByTheUnplacedQuery();
        for (int r = 0; r < 3; r++) {
            List<StepSpec> steps = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                steps.add(placed("s" + i, "http", Map.of(), Map.of()));
            }
            fleet.submit(ws, steps.toArray(StepSpec[]::new));
        }

        // 300 more queued steps an active edge runs: one more (workspace, handler) probe, not 300 rows
        assertThat(stepRowsReadByTheUnplacedQuery() - before).isLessThan(10);
    }

    /** Rows of {@code steps} the unplaced sweep's query reads now, from its plan as it ran. */
    private long stepRowsReadByTheUnplacedQuery() {
        JsonNode plan = Json.tree(String.join("\n", jdbc.sql("EXPLAIN (ANALYZE, FORMAT JSON) " + LeaseStore.UNPLACED)
                .param("now", java.time.OffsetDateTime.now()).param("limit", 100).query(String.class).list()));
        return rowsOfSteps(plan.get(0).get("Plan"));
    }

    private static long rowsOfSteps(JsonNode node) {
        long rows = 0;
        if ("steps".equals(node.path("Relation Name").asString(""))) {
            rows += (node.path("Actual Rows").asLong() + node.path("Rows Removed by Filter").asLong())
                    * Math.max(1, node.path("Actual Loops").asLong());
        }
        for (JsonNode child : node.path("Plans")) {
            rows += rowsOfSteps(child);
        }
        return rows;
    }
}
