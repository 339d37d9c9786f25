package io.octvex.server.fleet;

import static io.octvex.server.fleet.FleetFixtures.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.octvex.protocol.ArtifactUpload;
import io.octvex.protocol.ArtifactView;
import io.octvex.protocol.CheckpointReport;
import io.octvex.protocol.CreateEnrollment;
import io.octvex.protocol.EdgeState;
import io.octvex.protocol.EdgeView;
import io.octvex.protocol.Heartbeat;
import io.octvex.protocol.HeartbeatAck;
import io.octvex.protocol.Json;
import io.octvex.protocol.Lease;
import io.octvex.protocol.LeaseBatch;
import io.octvex.protocol.LeaseRef;
import io.octvex.protocol.ProgressReport;
import io.octvex.protocol.ResultBatch;
import io.octvex.protocol.ResultBatchAck;
import io.octvex.protocol.ResultOutcome;
import io.octvex.protocol.RetryPolicy;
import io.octvex.protocol.RunStatus;
import io.octvex.protocol.RunView;
import io.octvex.protocol.StepResult;
import io.octvex.protocol.StepSpec;
import io.octvex.protocol.StepStatus;
import io.octvex.server.ServerTest;
import io.octvex.server.identity.TestApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** Leases over real HTTP: claims, long-poll, heartbeats, fencing, expiry and re-offer, reports, fleet states. */
@ServerTest
class LeaseTest {
    @LocalServerPort int port;
    @Autowired JdbcClient jdbc;
    @Autowired StepReports reports;
    @Autowired LeaseStore leaseStore;
    @Autowired javax.sql.DataSource dataSource;
    @Autowired org.springframework.transaction.support.TransactionTemplate tx;
    @Autowired Leases leases;
    FleetFixtures fleet;
    UUID ws;

    @BeforeEach
    void setUp() {
        fleet = new FleetFixtures(port);
        ws = fleet.workspace("lease");
    }

    record Stored(String status, int attempt, long epoch, long version, UUID edgeId, boolean leased) {}

    Stored stored(UUID stepId) {
        return jdbc.sql("SELECT status, attempt, lease_epoch, version, edge_id, lease_expires_at IS NOT NULL AS leased "
                        + "FROM steps WHERE id = ?").param(stepId)
                .query((rs, n) -> new Stored(rs.getString("status"), rs.getInt("attempt"), rs.getLong("lease_epoch"),
                        rs.getLong("version"), rs.getObject("edge_id", UUID.class), rs.getBoolean("leased"))).single();
    }

    record Event(String type, UUID stepId, JsonNode data) {}

    List<Event> events(UUID runId) {
        return jdbc.sql("SELECT type, step_id, data::text AS data FROM events WHERE workspace_id = ? AND run_id = ? ORDER BY seq")
                .param(ws).param(runId)
                .query((rs, n) -> new Event(rs.getString("type"), rs.getObject("step_id", UUID.class),
                        Json.tree(rs.getString("data")))).list();
    }

    List<String> types(UUID runId) {
        return events(runId).stream().map(Event::type).toList();
    }

    long eventCount() {
        return jdbc.sql("SELECT count(*) FROM events WHERE workspace_id = ?").param(ws).query(Long.class).single();
    }

    RunView run(UUID runId) {
        return Json.read(fleet.admin("GET", "/api/v1/workspaces/" + ws + "/runs/" + runId).body(), RunView.class);
    }

    void expireLease(UUID stepId) {
        jdbc.sql("UPDATE steps SET lease_expires_at = now() - interval '1 second' WHERE id = ?").param(stepId).update();
    }

    /** What two edges leased when they asked at the same moment, each for {@code maxSteps}. */
    record Race(List<Lease> first, List<Lease> second) {
        List<Lease> all() {
            List<Lease> all = new ArrayList<>(first);
            all.addAll(second);
            return all;
        }
    }

    Race leaseAtOnce(ExecutorService pool, FleetFixtures.Edge first, FleetFixtures.Edge second, int maxSteps)
            throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        Future<LeaseBatch> a = pool.submit(() -> { start.await(); return fleet.lease(first, maxSteps, 0); });
        Future<LeaseBatch> b = pool.submit(() -> { start.await(); return fleet.lease(second, maxSteps, 0); });
        return new Race(a.get(30, TimeUnit.SECONDS).leases(), b.get(30, TimeUnit.SECONDS).leases());
    }

    static StepSpec retrying(String key, int maxAttempts, int backoff) {
        return new StepSpec(key, "http", "GET https://example.test/" + key, null, null, null,
                new RetryPolicy(maxAttempts, backoff));
    }

    @Test
    void anEdgeLeasesRunsReportsAndCompletesAStep() {
        FleetFixtures.Edge edge = fleet.edge(ws);
        RunView submitted = fleet.submit(ws, new StepSpec("fetch", "http", "GET https://example.test",
                Json.tree("{\"url\":\"https://example.test\"}"), null), new StepSpec("after", "http", "x", null,
                List.of("fetch")));
        LeaseBatch batch = fleet.lease(edge, 2, 0);
        assertThat(batch.drain()).isFalse();
        assertThat(batch.leases()).hasSize(1);
        Lease lease = batch.leases().getFirst();
        assertThat(lease.stepKey()).isEqualTo("fetch");
        assertThat(lease.workspaceId()).isEqualTo(ws);
        assertThat(lease.runId()).isEqualTo(submitted.id());
        assertThat(lease.input().get("url").asString()).isEqualTo("https://example.test");
        assertThat(lease.attempt()).isEqualTo(1);
        assertThat(lease.epoch()).isEqualTo(1);
        assertThat(lease.lastCheckpoint()).isNull();
        assertThat(run(submitted.id()).status()).isEqualTo(RunStatus.RUNNING);
        assertThat(stored(lease.stepId())).isEqualTo(new Stored("running", 1, 1, 2, edge.id(), true));

        assertThat(fleet.report(edge, lease.stepId(), "progress", new ProgressReport(1, "half way", 50, null)).status())
                .isEqualTo(204);
        assertThat(fleet.report(edge, lease.stepId(), "checkpoint", new CheckpointReport(1, "page 2 of 4",
                Json.tree("{\"page\":2}"))).status()).isEqualTo(204);
        TestApi.Response done = fleet.report(edge, lease.stepId(), "result", new StepResult(1, StepStatus.COMPLETED,
                Json.tree("{\"status\":200}"), null));
        assertThat(done.status()).as(done.body()).isEqualTo(204);

        RunView after = run(submitted.id());
        assertThat(after.steps().getFirst().status()).isEqualTo(StepStatus.COMPLETED);
        assertThat(after.steps().getFirst().result().get("status").asInt()).isEqualTo(200);
        assertThat(after.steps().get(1).status()).isEqualTo(StepStatus.QUEUED);
        assertThat(stored(lease.stepId()).leased()).isFalse();
        List<Event> events = events(submitted.id());
        assertThat(events.stream().map(Event::type).toList()).containsSubsequence("step.transitioned",
                "step.placed", "step.progress", "step.checkpoint", "step.transitioned");
        Event placed = events.stream().filter(e -> e.type().equals("step.placed")).findFirst().orElseThrow();
        assertThat(placed.data().get("edgeId").asString()).isEqualTo(edge.id().toString());
        Event progress = events.stream().filter(e -> e.type().equals("step.progress")).findFirst().orElseThrow();
        assertThat(progress.data().get("percent").asInt()).isEqualTo(50);
        assertThat(progress.data().get("message").asString()).isEqualTo("half way");
        assertThat(jdbc.sql("SELECT checkpoint->>'summary' FROM steps WHERE id = ?").param(lease.stepId())
                .query(String.class).single()).isEqualTo("page 2 of 4");

        // the second step follows; the edge finishes it too and the run completes
        Lease second = fleet.lease(edge, 2, 0).leases().getFirst();
        assertThat(second.stepKey()).isEqualTo("after");
        assertThat(fleet.report(edge, second.stepId(), "result", new StepResult(second.epoch(), StepStatus.COMPLETED,
                null, null)).status()).isEqualTo(204);
        assertThat(run(submitted.id()).status()).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void twoEdgesClaimingAtOnceNeverGetTheSameStep() throws Exception {
        FleetFixtures.Edge a = fleet.edge(ws, "race-a", Map.of(), List.of("http"), 16);
        FleetFixtures.Edge b = fleet.edge(ws, "race-b", Map.of(), List.of("http"), 16);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Set<UUID> everLeased = new HashSet<>();
            for (int round = 0; round < 20; round++) {
                RunView run = fleet.submit(ws, step("s1"), step("s2"), step("s3"), step("s4"), step("s5"));
                // past the placement grace, so both edges may take every step and really compete
                jdbc.sql("UPDATE steps SET updated_at = updated_at - interval '10 seconds' WHERE run_id = ?")
                        .param(run.id()).update();
                Race race = leaseAtOnce(pool, a, b, 4);
                List<Lease> all = race.all();
                List<Lease> fromB = race.second();
                Set<UUID> ids = new HashSet<>();
                all.forEach(l -> ids.add(l.stepId()));
                assertThat(ids).as("round " + round).hasSameSizeAs(all);
                assertThat(all.size()).as("round " + round).isBetween(4, 5);
                for (UUID id : ids) {
                    assertThat(everLeased.add(id)).isTrue();
                }
                for (Lease l : all) {
                    FleetFixtures.Edge holder = fromB.contains(l) ? b : a;
                    assertThat(stored(l.stepId()).edgeId()).isEqualTo(holder.id());
                    assertThat(fleet.report(holder, l.stepId(), "result", new StepResult(l.epoch(),
                            StepStatus.COMPLETED, null, null)).status()).isEqualTo(204);
                }
                for (Lease l : fleet.lease(a, 4, 0).leases()) {
                    fleet.report(a, l.stepId(), "result", new StepResult(l.epoch(), StepStatus.COMPLETED, null, null));
                }
                assertThat(run(run.id()).status()).isEqualTo(RunStatus.COMPLETED);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anEdgeHoldsLeasesForItsSlotsAndUpToSevenPrefetchedStepsPerSlotButNoMore() {
        FleetFixtures.Edge edge = fleet.edge(ws, "prefetcher", Map.of(), List.of("http"), 2);
        for (int i = 0; i < 18; i++) {
            fleet.submit(ws, step("p" + i));
        }
        List<Lease> held = fleet.lease(edge, 30, 0).leases();
        assertThat(held).as("2 slots and 14 prefetched").hasSize(16);
        assertThat(fleet.lease(edge, 10, 0).leases()).as("at the limit").isEmpty();

        // a result frees one: its refill takes one step, not the two it asks for
        Lease done = held.getFirst();
        ResultBatchAck ack = Json.read(fleet.results(edge, new ResultBatch(List.of(ResultBatch.BatchedResult.of(
                done.stepId(), new StepResult(done.epoch(), StepStatus.COMPLETED, null, null))), 2)).body(),
                ResultBatchAck.class);
        assertThat(ack.leases()).hasSize(1);
        assertThat(jdbc.sql("SELECT count(*) FROM steps WHERE edge_id = ? AND status = 'running'").param(edge.id())
                .query(Integer.class).single()).isEqualTo(16);
    }

    @Test
    void aBusyEdgePrefetchesOnlyTheStepsBeyondWhatEdgesWithFreeSlotsHaveRoomFor() {
        FleetFixtures.Edge busy = fleet.edge(ws, "busy", Map.of(), List.of("http"), 2);
        fleet.submit(ws, step("b0"));
        fleet.submit(ws, step("b1"));
        assertThat(fleet.lease(busy, 2, 0).leases()).hasSize(2);
        FleetFixtures.Edge free = fleet.edge(ws, "free", Map.of(), List.of("http"), 2);
        for (int i = 0; i < 6; i++) {
            fleet.submit(ws, step("n" + i));
        }

        // the free edge could start the two oldest now: they are left for it (within the placement grace),
        // and the busy edge prefetches the rest instead of waiting out the grace
        assertThat(fleet.lease(busy, 10, 0).leases()).extracting(Lease::stepKey)
                .containsExactlyInAnyOrder("n2", "n3", "n4", "n5");
        assertThat(fleet.lease(free, 10, 0).leases()).extracting(Lease::stepKey).containsExactlyInAnyOrder("n0", "n1");
    }

    @Test
    void aWaitingLeaseRequestWakesSoonAfterASubmit() throws Exception {
        FleetFixtures.Edge edge = fleet.edge(ws);
        CompletableFuture<LeaseBatch> waiting = CompletableFuture.supplyAsync(() -> fleet.lease(edge, 1, 20));
        Thread.sleep(2_500); // past a poll interval: the request is really waiting
        assertThat(waiting).isNotDone();
        long submitted = System.nanoTime();
        RunView run = fleet.submit(ws, step("wake"));
        LeaseBatch batch = waiting.get(10, TimeUnit.SECONDS);
        long millis = Duration.ofNanos(System.nanoTime() - submitted).toMillis();
        assertThat(batch.leases()).extracting(Lease::runId).containsExactly(run.id());
        assertThat(millis).as("woken after a submit").isLessThan(1_000);
    }

    @Test
    void anEmptyLongPollReturnsAfterItsWait() {
        FleetFixtures.Edge edge = fleet.edge(ws);
        long start = System.nanoTime();
        assertThat(fleet.lease(edge, 1, 1).leases()).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start).toMillis()).isBetween(900L, 4_000L);
    }

    @Test
    void anExpiredLeaseIsOfferedAgainAndTheLateReportIsFenced() {
        FleetFixtures.Edge lost = fleet.edge(ws);
        RunView run = fleet.submit(ws, retrying("flaky", 3, 0));
        Lease first = fleet.lease(lost, 1, 0).leases().getFirst();
        expireLease(first.stepId());
        await().atMost(Duration.ofSeconds(10)).until(() -> stored(first.stepId()).status().equals("queued"));
        Stored requeued = stored(first.stepId());
        assertThat(requeued.attempt()).isEqualTo(2);
        assertThat(requeued.leased()).isFalse();
        Event expired = events(run.id()).stream().filter(e -> e.type().equals("lease.expired")).findFirst().orElseThrow();
        assertThat(expired.data().get("epoch").asLong()).isEqualTo(1);
        assertThat(expired.data().get("attempt").asInt()).isEqualTo(1);
        assertThat(expired.data().get("edgeId").asString()).isEqualTo(lost.id().toString());
        assertThat(expired.data().get("outcome").asString()).isEqualTo("requeued");

        FleetFixtures.Edge other = fleet.edge(ws);
        Lease second = fleet.lease(other, 1, 0).leases().getFirst();
        assertThat(second.stepId()).isEqualTo(first.stepId());
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(second.epoch()).isEqualTo(first.epoch() + 1);

        Stored before = stored(first.stepId());
        long eventsBefore = eventCount();
        TestApi.Response late = fleet.report(lost, first.stepId(), "result", new StepResult(first.epoch(),
                StepStatus.COMPLETED, null, null));
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.detail()).contains("stop working on it");
        assertThat(fleet.report(lost, first.stepId(), "progress", new ProgressReport(first.epoch(), "late", 99, null))
                .status()).isEqualTo(409);
        assertThat(stored(first.stepId())).isEqualTo(before);
        assertThat(eventCount()).isEqualTo(eventsBefore + 2);
        Event fenced = events(run.id()).stream().filter(e -> e.type().equals("lease.fenced")).findFirst().orElseThrow();
        assertThat(fenced.data().get("epoch").asLong()).isEqualTo(first.epoch());
        assertThat(fenced.data().get("currentEpoch").asLong()).isEqualTo(second.epoch());
        assertThat(fenced.data().get("edgeId").asString()).isEqualTo(lost.id().toString());
        // a forged epoch from the holder is fenced too
        assertThat(fleet.report(other, first.stepId(), "result", new StepResult(second.epoch() + 7,
                StepStatus.COMPLETED, null, null)).status()).isEqualTo(409);
        assertThat(stored(first.stepId())).isEqualTo(before);
        // the real holder completes it exactly once
        assertThat(fleet.report(other, first.stepId(), "result", new StepResult(second.epoch(),
                StepStatus.COMPLETED, null, null)).status()).isEqualTo(204);
        assertThat(fleet.report(other, first.stepId(), "result", new StepResult(second.epoch(),
                StepStatus.COMPLETED, null, null)).status()).isEqualTo(409);
        assertThat(run(run.id()).status()).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void aBatchOfResultsIsRecordedInOneRequestEachFencedByItsOwnLease() {
        FleetFixtures.Edge edge = fleet.edge(ws, "batcher", Map.of(), List.of("http"), 4);
        RunView ok = fleet.submit(ws, FleetFixtures.step("ok"));
        RunView bad = fleet.submit(ws, FleetFixtures.step("bad"));
        RunView stale = fleet.submit(ws, FleetFixtures.step("stale"));
        Map<UUID, Lease> leased = new java.util.HashMap<>();
        fleet.lease(edge, 3, 0).leases().forEach(l -> leased.put(l.runId(), l));
        assertThat(leased).containsOnlyKeys(ok.id(), bad.id(), stale.id());
        Lease a = leased.get(ok.id()), b = leased.get(bad.id()), c = leased.get(stale.id());
        UUID unknown = UUID.randomUUID();

        // a whole batch with one bad result is refused and writes nothing
        long eventsBefore = eventCount();
        Stored cBefore = stored(c.stepId());
        TestApi.Response refused = fleet.results(edge, Json.tree("""
                {"results": [{"stepId": "%s", "epoch": %d, "status": "completed"},
                             {"stepId": "%s", "epoch": %d, "status": "running"}]}"""
                .formatted(c.stepId(), c.epoch(), b.stepId(), b.epoch())));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.detail()).contains("results[1].status");
        assertThat(stored(c.stepId())).isEqualTo(cBefore);
        assertThat(eventCount()).isEqualTo(eventsBefore);
        assertThat(fleet.results(edge, Json.tree("{\"results\": []}")).status()).isEqualTo(400);
        assertThat(fleet.results(edge, new ResultBatch(List.of(
                ResultBatch.BatchedResult.of(a.stepId(), new StepResult(a.epoch(), StepStatus.COMPLETED, null, null)),
                ResultBatch.BatchedResult.of(a.stepId(), new StepResult(a.epoch(), StepStatus.COMPLETED, null, null)))))
                .status()).isEqualTo(400);
        assertThat(eventCount()).isEqualTo(eventsBefore);

        ResultBatch batch = new ResultBatch(List.of(
                ResultBatch.BatchedResult.of(a.stepId(), new StepResult(a.epoch(), StepStatus.COMPLETED,
                        Json.tree("{\"n\":1}"), null)),
                ResultBatch.BatchedResult.of(b.stepId(), new StepResult(b.epoch(), StepStatus.FAILED, null, "no")),
                ResultBatch.BatchedResult.of(c.stepId(), new StepResult(c.epoch() + 5, StepStatus.COMPLETED, null, null)),
                ResultBatch.BatchedResult.of(unknown, new StepResult(1, StepStatus.COMPLETED, null, null))));
        TestApi.Response first = fleet.results(edge, batch);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(Json.read(first.body(), ResultBatchAck.class).outcomes()).extracting(ResultOutcome::outcome)
                .containsExactly(ResultOutcome.RECORDED, ResultOutcome.RECORDED, ResultOutcome.FENCED,
                        ResultOutcome.UNKNOWN);
        assertThat(run(ok.id()).status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(run(ok.id()).steps().getFirst().result().get("n").asInt()).isEqualTo(1);
        assertThat(run(bad.id()).status()).isEqualTo(RunStatus.FAILED);
        assertThat(run(bad.id()).steps().getFirst().error()).isEqualTo("no");
        assertThat(stored(c.stepId())).isEqualTo(cBefore);
        assertThat(types(stale.id())).contains("lease.fenced");

        // sent again (its answer was lost): nothing completes twice, the repeats are fenced
        long completions = jdbc.sql("SELECT count(*) FROM events WHERE workspace_id = ? AND type = 'run.transitioned' "
                + "AND data->>'to' IN ('completed', 'failed')").param(ws).query(Long.class).single();
        TestApi.Response again = fleet.results(edge, batch);
        assertThat(Json.read(again.body(), ResultBatchAck.class).outcomes()).extracting(ResultOutcome::outcome)
                .containsExactly(ResultOutcome.FENCED, ResultOutcome.FENCED, ResultOutcome.FENCED,
                        ResultOutcome.UNKNOWN);
        assertThat(jdbc.sql("SELECT count(*) FROM events WHERE workspace_id = ? AND type = 'run.transitioned' "
                + "AND data->>'to' IN ('completed', 'failed')").param(ws).query(Long.class).single())
                .isEqualTo(completions);
        // the holder completes the last one with the right epoch
        TestApi.Response last = fleet.results(edge, new ResultBatch(List.of(ResultBatch.BatchedResult.of(c.stepId(),
                new StepResult(c.epoch(), StepStatus.COMPLETED, null, null)))));
        assertThat(Json.read(last.body(), ResultBatchAck.class).outcomes().getFirst().outcome())
                .isEqualTo(ResultOutcome.RECORDED);
        assertThat(run(stale.id()).status()).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void aResultBatchAsksForMoreStepsAndGetsThemInTheSlotsItFreed() {
        FleetFixtures.Edge edge = fleet.edge(ws, "refiller", Map.of(), List.of("http"), 2);
        List<Lease> held = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            fleet.submit(ws, FleetFixtures.step("first" + i));
        }
        held.addAll(fleet.lease(edge, 2, 0).leases());
        assertThat(held).hasSize(2);
        for (int i = 0; i < 3; i++) {
            fleet.submit(ws, FleetFixtures.step("next" + i));
        }
        Lease done = held.getFirst();
        long eventsBefore = eventCount();

        // a refill outside 0..the capacity limit is refused before the result is recorded
        for (String bad : List.of("-1", "100000", "\"two\"")) {
            TestApi.Response refused = fleet.results(edge, Json.tree("""
                    {"results": [{"stepId": "%s", "epoch": %d, "status": "completed"}], "lease": %s}"""
                    .formatted(done.stepId(), done.epoch(), bad)));
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.detail()).as(bad).contains("lease");
        }
        assertThat(stored(done.stepId()).status()).isEqualTo("running");
        assertThat(eventCount()).isEqualTo(eventsBefore);

        // one result frees one slot of two: asking for 4 gets the 3 waiting, leased to this edge and running
        TestApi.Response answered = fleet.results(edge, new ResultBatch(List.of(ResultBatch.BatchedResult.of(
                done.stepId(), new StepResult(done.epoch(), StepStatus.COMPLETED, null, null))), 4));
        assertThat(answered.status()).as(answered.body()).isEqualTo(200);
        ResultBatchAck ack = Json.read(answered.body(), ResultBatchAck.class);
        assertThat(ack.outcomes()).extracting(ResultOutcome::outcome).containsExactly(ResultOutcome.RECORDED);
        assertThat(ack.drain()).isFalse();
        assertThat(ack.leases()).extracting(Lease::stepKey).containsExactlyInAnyOrder("next0", "next1", "next2");
        Lease refilled = ack.leases().stream().filter(l -> l.stepKey().equals("next0")).findFirst().orElseThrow();
        assertThat(refilled.stepKey()).isEqualTo("next0");
        assertThat(stored(refilled.stepId())).extracting(Stored::status, Stored::edgeId, Stored::leased)
                .containsExactly("running", edge.id(), true);
        assertThat(stored(done.stepId()).status()).isEqualTo("completed");
        // the result and the refill are one transaction: the completion's events and the lease's were written
        // by the same one (ADR 0035)
        assertThat(writtenBy(done.stepId(), "step.transitioned")).isEqualTo(writtenBy(refilled.stepId(), "step.placed"));

        // without a refill the answer has no leases; with the edge draining, it says so and leases nothing
        // (the answer without a refill is the one edges that never ask always got: no 'leases', no 'drain')
        Lease second = held.get(1);
        TestApi.Response plain = fleet.results(edge, new ResultBatch(List.of(ResultBatch.BatchedResult.of(
                second.stepId(), new StepResult(second.epoch(), StepStatus.COMPLETED, null, null)))));
        assertThat(plain.status()).isEqualTo(200);
        assertThat(Json.tree(plain.body()).propertyNames()).containsExactly("outcomes");
        fleet.submit(ws, FleetFixtures.step("last")); // waiting, with room for it on the edge
        assertThat(fleet.admin("POST", "/api/v1/workspaces/" + ws + "/edges/" + edge.id() + "/drain").status())
                .isEqualTo(200);
        ResultBatchAck draining = Json.read(fleet.results(edge, new ResultBatch(List.of(ResultBatch.BatchedResult.of(
                refilled.stepId(), new StepResult(refilled.epoch(), StepStatus.COMPLETED, null, null))), 2)).body(),
                ResultBatchAck.class);
        assertThat(draining.outcomes()).extracting(ResultOutcome::outcome).containsExactly(ResultOutcome.RECORDED);
        assertThat(draining.drain()).isTrue();
        assertThat(draining.leases()).isEmpty();
        assertThat(jdbc.sql("SELECT count(*) FROM steps WHERE workspace_id = ? AND status = 'queued'").param(ws)
                .query(Long.class).single()).isEqualTo(1);
    }

    /** The transaction that wrote a step's last event of a type. */
    private String writtenBy(UUID stepId, String type) {
        return jdbc.sql("SELECT xmin::text FROM events WHERE workspace_id = ? AND step_id = ? AND type = ? "
                + "ORDER BY seq DESC LIMIT 1").param(ws).param(stepId).param(type).query(String.class).single();
    }

    @Test
    void aRefillThatCannotBeClaimedLeavesTheResultsItFollowedRecorded() {
        FleetFixtures.Edge edge = fleet.edge(ws, "unlucky", Map.of(), List.of("http"), 1);
        fleet.submit(ws, FleetFixtures.step("first"));
        Lease first = fleet.lease(edge, 1, 0).leases().getFirst();
        String poisoned = "poisoned-" + UUID.randomUUID();
        RunView next = fleet.submit(ws, FleetFixtures.step(poisoned));
        // a real failure inside the claim: PostgreSQL refuses to lease that one step
        jdbc.sql("""
                CREATE FUNCTION refuse_lease() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.key = '%s' AND NEW.edge_id IS NOT NULL THEN
                        RAISE EXCEPTION 'injected: this step cannot be leased';
                    END IF;
                    RETURN NEW;
                END $$""".formatted(poisoned)).update();
        jdbc.sql("CREATE TRIGGER refuse_lease BEFORE UPDATE ON steps FOR EACH ROW EXECUTE FUNCTION refuse_lease()")
                .update();
        TestApi.Response answered;
        try {
            answered = fleet.results(edge, new ResultBatch(List.of(ResultBatch.BatchedResult.of(first.stepId(),
                    new StepResult(first.epoch(), StepStatus.COMPLETED, null, null))), 1));
        } finally {
            jdbc.sql("DROP TRIGGER refuse_lease ON steps").update();
            jdbc.sql("DROP FUNCTION refuse_lease()").update();
        }
        assertThat(answered.status()).as(answered.body()).isEqualTo(200);
        ResultBatchAck ack = Json.read(answered.body(), ResultBatchAck.class);
        assertThat(ack.outcomes()).extracting(ResultOutcome::outcome).containsExactly(ResultOutcome.RECORDED);
        assertThat(ack.leased()).isEmpty(); // no leases: the answer an edge that did not ask gets
        assertThat(stored(first.stepId())).extracting(Stored::status, Stored::leased).containsExactly("completed", false);
        UUID nextStep = run(next.id()).steps().getFirst().id();
        assertThat(stored(nextStep)).extracting(Stored::status, Stored::leased).containsExactly("queued", false);
        assertThat(types(next.id())).doesNotContain("step.placed");
        // once it can be leased, the edge's next ask gets it
        assertThat(fleet.lease(edge, 1, 0).leases()).extracting(Lease::stepKey).containsExactly(poisoned);
    }

    /** The statuses a step's row was written with, in order, while {@code body} ran (a trigger counts them). */
    List<String> rowWritesDuring(Runnable body, UUID... stepIds) {
        jdbc.sql("CREATE TABLE step_writes (n bigserial, step_id uuid, status text)").update();
        jdbc.sql("""
                CREATE FUNCTION count_step_write() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO step_writes (step_id, status) VALUES (NEW.id, NEW.status);
                    RETURN NEW;
                END $$""").update();
        jdbc.sql("CREATE TRIGGER count_step_writes AFTER UPDATE ON steps FOR EACH ROW EXECUTE FUNCTION count_step_write()")
                .update();
        try {
            body.run();
            return jdbc.sql("SELECT status FROM step_writes WHERE step_id = ANY(?) ORDER BY n")
                    .param(stepIds).query(String.class).list();
        } finally {
            jdbc.sql("DROP TRIGGER count_step_writes ON steps").update();
            jdbc.sql("DROP FUNCTION count_step_write()").update();
            jdbc.sql("DROP TABLE step_writes").update();
        }
    }

    @Test
    void aStepIsWrittenOnceWhenLeasedAndOnceWhenItsResultEndsTheLease() {
        FleetFixtures.Edge edge = fleet.edge(ws, "frugal", Map.of(), List.of("http"), 2);
        UUID batched = fleet.submit(ws, step("batched")).steps().getFirst().id();
        UUID single = fleet.submit(ws, step("single")).steps().getFirst().id();
        List<Lease> leased = new ArrayList<>();
        List<String> claimWrites = rowWritesDuring(() -> leased.addAll(fleet.lease(edge, 2, 0).leases()),
                batched, single);
        assertThat(leased).extracting(Lease::stepId).containsExactlyInAnyOrder(batched, single);
        assertThat(claimWrites).containsExactly("running", "running"); // the lease came with the move
        assertThat(stored(batched)).isEqualTo(new Stored("running", 1, 1, 2, edge.id(), true));
        Lease b = leased.stream().filter(l -> l.stepId().equals(batched)).findFirst().orElseThrow();
        Lease s = leased.stream().filter(l -> l.stepId().equals(single)).findFirst().orElseThrow();

        List<String> reportWrites = rowWritesDuring(() -> {
            TestApi.Response batch = fleet.results(edge, new ResultBatch(List.of(ResultBatch.BatchedResult.of(
                    batched, new StepResult(b.epoch(), StepStatus.COMPLETED, null, null))), null));
            assertThat(batch.status()).as(batch.body()).isEqualTo(200);
            TestApi.Response one = fleet.report(edge, single, "result",
                    new StepResult(s.epoch(), StepStatus.FAILED, null, "no"));
            assertThat(one.status()).as(one.body()).isEqualTo(204);
        }, batched, single);
        assertThat(reportWrites).containsExactly("completed", "failed"); // the lease ended with the move
        assertThat(stored(batched)).isEqualTo(new Stored("completed", 1, 1, 3, edge.id(), false));
        assertThat(stored(single)).extracting(Stored::status, Stored::leased).containsExactly("failed", false);
    }

    @Test
    void theDatabaseRefusesALeaseOnAStepThatIsNeitherRunningNorBlocked() {
        RunView run = fleet.submit(ws, step("waiting"));
        UUID stepId = run.steps().getFirst().id();
        assertThatThrownBy(() -> jdbc.sql("UPDATE steps SET lease_expires_at = now() + interval '1 minute' WHERE id = ?")
                .param(stepId).update()).hasMessageContaining("steps_lease_only_while_running");
        assertThat(stored(stepId)).extracting(Stored::status, Stored::leased).containsExactly("queued", false);
    }

    @Test
    void cancellingARunEndsTheLeasesOfItsStepsAtOnce() {
        FleetFixtures.Edge edge = fleet.edge(ws);
        RunView run = fleet.submit(ws, step("doomed"));
        Lease lease = fleet.lease(edge, 1, 0).leases().getFirst();
        assertThat(stored(lease.stepId()).leased()).isTrue();
        TestApi.Response cancelled = fleet.admin("POST", "/api/v1/workspaces/" + ws + "/runs/" + run.id() + "/cancel");
        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
        // not at the next sweep: in the cancellation's own row update
        assertThat(stored(lease.stepId())).extracting(Stored::status, Stored::leased).containsExactly("cancelled", false);
        HeartbeatAck ack = Json.read(fleet.api().send("POST", "/api/v1/edge/heartbeat", edge.token(),
                new Heartbeat(List.of(new LeaseRef(lease.stepId(), lease.epoch())), 0, null)).body(), HeartbeatAck.class);
        assertThat(ack.lost()).containsExactly(new LeaseRef(lease.stepId(), lease.epoch()));
    }

    @Test
    void aStepWhoseLeaseIsLostTooOftenFails() {
        FleetFixtures.Edge edge = fleet.edge(ws);
        RunView run = fleet.submit(ws, retrying("doomed", 2, 0));
        for (int attempt = 1; attempt <= 2; attempt++) {
            Lease lease = fleet.lease(edge, 1, 3).leases().getFirst();
            assertThat(lease.attempt()).isEqualTo(attempt);
            expireLease(lease.stepId());
            int expected = attempt;
            await().atMost(Duration.ofSeconds(10)).until(() -> !stored(lease.stepId()).status().equals("running")
                    || stored(lease.stepId()).attempt() > expected);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> run(run.id()).status() == RunStatus.FAILED);
        assertThat(run(run.id()).steps().getFirst().error()).isEqualTo("lease lost 2 times");
    }

    @Test
    void theBackoffHoldsAReofferedStepBack() {
        FleetFixtures.Edge edge = fleet.edge(ws);
        fleet.submit(ws, retrying("slow", 3, 60));
        Lease lease = fleet.lease(edge, 1, 0).leases().getFirst();
        expireLease(lease.stepId());
        await().atMost(Duration.ofSeconds(10)).until(() -> stored(lease.stepId()).status().equals("queued"));
        assertThat(fleet.lease(edge, 1, 0).leases()).isEmpty();
        assertThat(jdbc.sql("SELECT not_before > now() + interval '50 seconds' FROM steps WHERE id = ?")
                .param(lease.stepId()).query(Boolean.class).single()).isTrue();
        assertThat(LeaseSweeper.backoff(new RetryPolicy(3, 5), 1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(LeaseSweeper.backoff(new RetryPolicy(3, 5), 3)).isEqualTo(Duration.ofSeconds(20));
        assertThat(LeaseSweeper.backoff(new RetryPolicy(30, 5), 25)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void heartbeatsExtendOwnLeasesAndReportLostOnes() {
        FleetFixtures.Edge edge = fleet.edge(ws);
        fleet.submit(ws, step("long"));
        Lease lease = fleet.lease(edge, 1, 0).leases().getFirst();
        jdbc.sql("UPDATE steps SET lease_expires_at = now() + interval '5 seconds' WHERE id = ?").param(lease.stepId()).update();
        UUID unknown = UUID.randomUUID();
        TestApi.Response r = fleet.api().send("POST", "/api/v1/edge/heartbeat", edge.token(), new Heartbeat(List.of(
                new LeaseRef(lease.stepId(), lease.epoch()), new LeaseRef(unknown, 1)), 1, 42L));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        HeartbeatAck ack = Json.read(r.body(), HeartbeatAck.class);
        assertThat(ack.extended()).containsExactly(new LeaseRef(lease.stepId(), lease.epoch()));
        assertThat(ack.lost()).containsExactly(new LeaseRef(unknown, 1));
        assertThat(ack.state()).isEqualTo(EdgeState.ACTIVE);
        assertThat(jdbc.sql("SELECT lease_expires_at > now() + interval '20 seconds' FROM steps WHERE id = ?")
                .param(lease.stepId()).query(Boolean.class).single()).isTrue();
        EdgeView me = Json.read(fleet.edgeGet(edge, "/me").body(), EdgeView.class);
        assertThat(me.latencyMillis()).isEqualTo(42L);
        assertThat(me.lastHeartbeatAt()).isNotNull();
        assertThat(me.activeLeases()).isEqualTo(1);
        // a forged epoch extends nothing
        HeartbeatAck forged = Json.read(fleet.api().send("POST", "/api/v1/edge/heartbeat", edge.token(),
                new Heartbeat(List.of(new LeaseRef(lease.stepId(), lease.epoch() + 1)), 1, null)).body(), HeartbeatAck.class);
        assertThat(forged.extended()).isEmpty();
        assertThat(forged.lost()).hasSize(1);
    }

    @Test
    void quarantineAndDrainStopNewLeasesButNotInFlightWork() {
        FleetFixtures.Edge edge = fleet.edge(ws);
        fleet.submit(ws, step("inflight"));
        Lease inflight = fleet.lease(edge, 1, 0).leases().getFirst();
        String base = "/api/v1/workspaces/" + ws + "/edges/" + edge.id();
        TestApi.Response q = fleet.admin("POST", base + "/quarantine");
        assertThat(q.status()).as(q.body()).isEqualTo(200);
        assertThat(Json.read(q.body(), EdgeView.class).state()).isEqualTo(EdgeState.QUARANTINED);
        fleet.submit(ws, step("waiting"));
        assertThat(fleet.lease(edge, 1, 0).leases()).isEmpty();
        HeartbeatAck ack = Json.read(fleet.api().send("POST", "/api/v1/edge/heartbeat", edge.token(),
                new Heartbeat(List.of(new LeaseRef(inflight.stepId(), inflight.epoch())), 0, null)).body(), HeartbeatAck.class);
        assertThat(ack.state()).isEqualTo(EdgeState.QUARANTINED);
        assertThat(ack.extended()).hasSize(1);
        assertThat(fleet.report(edge, inflight.stepId(), "result", new StepResult(inflight.epoch(),
                StepStatus.COMPLETED, null, null)).status()).isEqualTo(204);

        assertThat(fleet.admin("POST", base + "/drain").status()).isEqualTo(200);
        LeaseBatch draining = fleet.lease(edge, 1, 5);
        assertThat(draining.drain()).isTrue();
        assertThat(draining.leases()).isEmpty();

        assertThat(fleet.admin("POST", base + "/release").status()).isEqualTo(200);
        assertThat(fleet.lease(edge, 1, 0).leases()).extracting(Lease::stepKey).containsExactly("waiting");
        List<String> types = jdbc.sql("SELECT type FROM events WHERE workspace_id = ? AND type LIKE 'edge.%' ORDER BY seq")
                .param(ws).query(String.class).list();
        assertThat(types).containsSubsequence("edge.enrolled", "edge.quarantined", "edge.draining", "edge.released");
        assertThat(fleet.admin("POST", base + "/revoke").status()).isEqualTo(200);
        assertThat(fleet.admin("POST", base + "/release").status()).isEqualTo(409);
    }

    @Test
    void revokingAnEdgeReleasesItsLeasesAtOnce() {
        FleetFixtures.Edge edge = fleet.edge(ws);
        fleet.submit(ws, step("held"));
        Lease lease = fleet.lease(edge, 1, 0).leases().getFirst();
        assertThat(fleet.admin("POST", "/api/v1/workspaces/" + ws + "/edges/" + edge.id() + "/revoke").status())
                .isEqualTo(200);
        Stored after = stored(lease.stepId());
        assertThat(after.status()).isEqualTo("queued");
        assertThat(after.attempt()).isEqualTo(2);
        assertThat(fleet.report(edge, lease.stepId(), "result", new StepResult(lease.epoch(), StepStatus.COMPLETED,
                null, null)).status()).isEqualTo(401);
        FleetFixtures.Edge next = fleet.edge(ws);
        assertThat(fleet.lease(next, 1, 0).leases()).extracting(Lease::stepId).containsExactly(lease.stepId());
    }

    @Test
    void repeatedFailuresQuarantineTheEdge() {
        FleetFixtures.Edge edge = fleet.edge(ws);
        for (int i = 0; i < 3; i++) {
            fleet.submit(ws, step("fail-" + i));
            Lease lease = fleet.lease(edge, 1, 0).leases().getFirst();
            assertThat(fleet.report(edge, lease.stepId(), "result", new StepResult(lease.epoch(), StepStatus.FAILED,
                    null, "boom " + i)).status()).isEqualTo(204);
        }
        EdgeView me = Json.read(fleet.edgeGet(edge, "/me").body(), EdgeView.class);
        assertThat(me.state()).isEqualTo(EdgeState.QUARANTINED);
        assertThat(me.consecutiveFailures()).isEqualTo(3);
        assertThat(me.healthy()).isFalse();
        JsonNode data = Json.tree(jdbc.sql("SELECT data::text FROM events WHERE workspace_id = ? AND type = 'edge.quarantined'")
                .param(ws).query(String.class).single());
        assertThat(data.get("reason").asString()).contains("3 consecutive failures");
    }

    @Test
    void artifactsAreStoredWithTheirHashAndBoundedInSize() throws Exception {
        FleetFixtures.Edge edge = fleet.edge(ws);
        RunView run = fleet.submit(ws, step("shot"));
        Lease lease = fleet.lease(edge, 1, 0).leases().getFirst();
        byte[] png = new byte[70_000];
        new java.util.Random(7).nextBytes(png);
        TestApi.Response r = fleet.report(edge, lease.stepId(), "artifacts", new ArtifactUpload(lease.epoch(),
                "screen.png", "image/png", java.util.Base64.getEncoder().encodeToString(png)));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        ArtifactView view = Json.read(r.body(), ArtifactView.class);
        assertThat(view.size()).isEqualTo(png.length);
        assertThat(view.sha256()).isEqualTo(java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(png)));
        Event event = events(run.id()).stream().filter(e -> e.type().equals("step.artifact")).findFirst().orElseThrow();
        assertThat(event.data().get("sha256").asString()).isEqualTo(view.sha256());
        assertThat(event.data().get("artifactId").asString()).isEqualTo(view.id().toString());

        HttpResponse<byte[]> download = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        fleet.api().base() + "/api/v1/workspaces/" + ws + "/runs/" + run.id() + "/artifacts/" + view.id()))
                .header("Authorization", "Bearer " + fleet.adminToken()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(png);
        assertThat(download.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(download.headers().firstValue("Content-Disposition").orElse("")).startsWith("attachment");
        assertThat(download.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");

        long limit = reports.maxArtifactBytes();
        long count = jdbc.sql("SELECT count(*) FROM artifacts WHERE workspace_id = ?").param(ws).query(Long.class).single();
        try {
            reports.maxArtifactBytes(50_000);
            TestApi.Response tooBig = fleet.report(edge, lease.stepId(), "artifacts", new ArtifactUpload(lease.epoch(),
                    "big.bin", null, java.util.Base64.getEncoder().encodeToString(png)));
            assertThat(tooBig.status()).isEqualTo(413);
            assertThat(tooBig.detail()).contains("50000");
        } finally {
            reports.maxArtifactBytes(limit);
        }
        assertThat(limit).isEqualTo(5L * 1024 * 1024);
        assertThat(jdbc.sql("SELECT count(*) FROM artifacts WHERE workspace_id = ?").param(ws).query(Long.class).single())
                .isEqualTo(count);

        // a 3 MiB screenshot is over the API's general 1 MiB body limit but within the artifact limit
        byte[] large = new byte[3 * 1024 * 1024];
        new java.util.Random(8).nextBytes(large);
        TestApi.Response accepted = fleet.report(edge, lease.stepId(), "artifacts", new ArtifactUpload(lease.epoch(),
                "full-page.png", "image/png", java.util.Base64.getEncoder().encodeToString(large)));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(201);
        assertThat(Json.read(accepted.body(), ArtifactView.class).size()).isEqualTo(large.length);
    }

    @Test
    void badReportsAreRefusedAndChangeNothing() {
        FleetFixtures.Edge edge = fleet.edge(ws);
        FleetFixtures.Edge stranger = fleet.edge(ws);
        fleet.submit(ws, step("target"));
        Lease lease = fleet.lease(edge, 1, 0).leases().getFirst();
        UUID step = lease.stepId();
        Stored before = stored(step);
        long events = eventCount();
        String[][] bad = {
                {"progress", "{\"epoch\":1,\"percent\":101}", "400"},
                {"progress", "{\"epoch\":\"one\"}", "400"},
                {"progress", "{\"epoch\":1,\"message\":\"nul\\u0000\"}", "400"},
                {"progress", "{\"epoch\":1, \"surprise\":true}", "400"},
                {"checkpoint", "{\"epoch\":1,\"summary\":\"" + "s".repeat(501) + "\"}", "400"},
                {"result", "{\"epoch\":1,\"status\":\"running\"}", "400"},
                {"result", "{\"epoch\":1,\"status\":\"exploded\"}", "400"},
                {"result", "{\"epoch\":1,\"status\":\"completed\",\"error\":\"no\"}", "400"},
                {"result", "{\"epoch\":1,\"status\":\"failed\",\"result\":{\"a\":1}}", "400"},
                {"artifacts", "{\"epoch\":1,\"name\":\"x\",\"contentBase64\":\"!!!\"}", "400"},
                {"artifacts", "{\"epoch\":1,\"name\":\"x\",\"contentType\":\"text/html; x\",\"contentBase64\":\"\"}", "400"},
                {"artifacts", "{\"epoch\":1,\"contentBase64\":\"AA==\"}", "400"},
                {"result", "not json", "400"},
        };
        for (String[] b : bad) {
            TestApi.Response r = fleet.report(edge, step, b[0], b[1]);
            assertThat(r.status()).as(b[0] + " " + b[1] + " -> " + r.body()).isEqualTo(Integer.parseInt(b[2]));
            assertThat(r.headers().firstValue("Content-Type").orElse("")).contains("problem+json");
        }
        assertThat(eventCount()).isEqualTo(events);
        // a step this edge does not hold: fenced (409, audited), nothing else
        TestApi.Response notMine = fleet.report(stranger, step, "result", new StepResult(lease.epoch(),
                StepStatus.COMPLETED, null, null));
        assertThat(notMine.status()).isEqualTo(409);
        assertThat(notMine.detail()).contains("does not hold");
        // unknown steps are not found
        assertThat(fleet.report(edge, UUID.randomUUID(), "progress", new ProgressReport(1, "x", 1, null)).status())
                .isEqualTo(404);
        assertThat(fleet.report(edge, step, "progress", "not json").status()).isEqualTo(400);
        assertThat(stored(step)).isEqualTo(before);
        assertThat(eventCount()).isEqualTo(events + 1);
        // bad lease requests and heartbeats
        for (String body : List.of("{\"maxSteps\":0,\"waitSeconds\":0}", "{\"maxSteps\":1,\"waitSeconds\":31}",
                "{\"maxSteps\":1,\"waitSeconds\":-1}", "{\"maxSteps\":2049,\"waitSeconds\":0}", "[]")) {
            assertThat(fleet.api().send("POST", "/api/v1/edge/leases", edge.token(), body).status()).as(body).isEqualTo(400);
        }
        for (String body : List.of("{\"leases\":[{\"epoch\":1}],\"freeSlots\":1}", "{\"leases\":[],\"freeSlots\":-1}",
                "{\"leases\":[],\"freeSlots\":1,\"lastRoundTripMillis\":-5}")) {
            assertThat(fleet.api().send("POST", "/api/v1/edge/heartbeat", edge.token(), body).status()).as(body).isEqualTo(400);
        }
        assertThat(stored(step)).isEqualTo(before);
    }

    @Test
    void anEdgeOfOneWorkspaceNeverSeesAnother() {
        UUID other = fleet.workspace("lease-other");
        FleetFixtures.Edge mine = fleet.edge(ws);
        FleetFixtures.Edge theirs = fleet.edge(other);
        RunView foreign = fleet.submit(other, step("secret"));
        jdbc.sql("UPDATE steps SET updated_at = updated_at - interval '10 seconds' WHERE run_id = ?").param(foreign.id()).update();
        assertThat(fleet.lease(mine, 4, 1).leases()).isEmpty();
        UUID foreignStep = foreign.steps().getFirst().id();
        assertThat(fleet.report(mine, foreignStep, "progress", new ProgressReport(1, "x", 1, null)).status()).isEqualTo(404);
        assertThat(fleet.report(mine, foreignStep, "result", new StepResult(0, StepStatus.COMPLETED, null, null)).status())
                .isEqualTo(404);
        HeartbeatAck ack = Json.read(fleet.api().send("POST", "/api/v1/edge/heartbeat", mine.token(),
                new Heartbeat(List.of(new LeaseRef(foreignStep, 0)), 1, null)).body(), HeartbeatAck.class);
        assertThat(ack.extended()).isEmpty();
        // the other workspace's admin endpoints with this workspace's edge id: not found
        assertThat(fleet.admin("GET", "/api/v1/workspaces/" + other + "/edges/" + mine.id()).status()).isEqualTo(404);
        assertThat(fleet.admin("POST", "/api/v1/workspaces/" + other + "/edges/" + mine.id() + "/quarantine").status())
                .isEqualTo(404);
        assertThat(fleet.admin("GET", "/api/v1/workspaces/" + ws + "/edges").body()).doesNotContain(theirs.id().toString());
        Lease lease = fleet.lease(theirs, 1, 0).leases().getFirst();
        assertThat(lease.stepId()).isEqualTo(foreignStep);
        assertThat(stored(foreignStep).edgeId()).isEqualTo(theirs.id());
    }

    @Test
    void aClaimOfStepsFromSeveralRunsAndSubmittersDecidesEachOnceAndMovesThemTogether() {
        TestApi api = TestApi.on(port);
        TestApi.User operator = api.newUser(ws, io.octvex.protocol.Role.OPERATOR);
        FleetFixtures.Edge edge = fleet.edge(ws, "wide", Map.of(), List.of("http"), 8);
        RunView two = fleet.submit(ws, step("a"), step("b"));
        RunView one = fleet.submit(ws, step("c"));
        TestApi.Response r = api.send("POST", "/api/v1/workspaces/" + ws + "/runs", operator.token(),
                new io.octvex.protocol.SubmitRun("by operator", null, List.of(step("d"))));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        RunView theirs = Json.read(r.body(), RunView.class);

        List<Lease> leases = fleet.lease(edge, 8, 0).leases();
        assertThat(leases).extracting(Lease::stepKey).containsExactlyInAnyOrder("a", "b", "c", "d");
        for (Lease lease : leases) {
            Stored s = stored(lease.stepId());
            assertThat(s.status()).isEqualTo("running");
            assertThat(s.version()).isEqualTo(2); // queued at submit, running at the claim: one write each
            assertThat(s.leased()).isTrue();
            assertThat(s.epoch()).isEqualTo(lease.epoch());
        }
        // per step: one decision as its run's submitter, one move to running, one placement
        record Decided(UUID stepId, UUID principal, String name) {}
        List<Decided> decided = jdbc.sql("""
                SELECT step_id, principal_id, data->'input'->'principal'->>'name' AS name FROM events
                WHERE workspace_id = ? AND type = 'policy.decided'""").param(ws)
                .query((rs, n) -> new Decided(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getString(3))).list();
        assertThat(decided).hasSize(4);
        Lease d = leases.stream().filter(l -> l.stepKey().equals("d")).findFirst().orElseThrow();
        assertThat(decided).filteredOn(x -> x.stepId().equals(d.stepId())).singleElement()
                .satisfies(x -> assertThat(x.principal()).isEqualTo(operator.id()))
                .satisfies(x -> assertThat(x.name()).isEqualTo(operator.name()));
        assertThat(decided).filteredOn(x -> !x.stepId().equals(d.stepId()))
                .allSatisfy(x -> assertThat(x.principal()).isEqualTo(two.createdBy()));
        for (RunView run : List.of(two, one, theirs)) {
            List<Event> events = events(run.id());
            // each step's placement is its move to running: one event says both (ADR 0040)
            assertThat(events).filteredOn(e -> e.type().equals("step.placed")).hasSize(run.steps().size())
                    .allSatisfy(e -> assertThat(e.data().path("from").asString() + ">" + e.data().path("to").asString()
                            + " #" + e.data().path("attempt").asInt()).isEqualTo("queued>running #1"));
            assertThat(events).filteredOn(e -> e.type().equals("step.transitioned")
                    && e.data().path("to").asString().equals("running")).isEmpty();
            assertThat(events).filteredOn(e -> e.type().equals("run.transitioned")
                    && e.data().path("to").asString().equals("running")).hasSize(1);
            assertThat(run(run.id()).status()).isEqualTo(RunStatus.RUNNING);
            assertThat(run(run.id()).version()).isEqualTo(run.version() + 1);
        }
        TestApi.Response chain = fleet.admin("POST", "/api/v1/workspaces/" + ws + "/events/verify");
        assertThat(chain.status()).as(chain.body()).isEqualTo(200);
        assertThat(Json.read(chain.body(), io.octvex.protocol.ChainReport.class).intact()).as(chain.body()).isTrue();
    }

    @Test
    void aClaimReachesPastRunsAnotherTransactionHolds() throws Exception {
        FleetFixtures.Edge edge = fleet.edge(ws);
        RunView first = fleet.submit(ws, step("first"));
        RunView second = fleet.submit(ws, step("second"));
        try (java.sql.Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (var st = c.prepareStatement("SELECT id FROM runs WHERE id = ? FOR NO KEY UPDATE")) {
                st.setObject(1, first.id());
                st.executeQuery().close();
            }
            // the oldest step's run is held (another claim deciding about it): this claim takes the next one
            assertThat(fleet.lease(edge, 1, 0).leases()).extracting(Lease::runId).containsExactly(second.id());
            c.rollback();
        }
        assertThat(fleet.lease(edge, 1, 0).leases()).extracting(Lease::runId).containsExactly(first.id());
    }

    @Test
    void aClaimLocksNothingOfAnotherWorkspace() {
        UUID other = fleet.workspace("lease-other");
        FleetFixtures.Edge theirs = fleet.edge(other);
        RunView run = fleet.submit(other, step("t"));
        UUID stepId = run.steps().getFirst().id();
        Map<UUID, UUID> held = tx.execute(s -> leaseStore.lockRuns(List.of(stepId), List.of(ws), 4));
        assertThat(held).isEmpty();
        assertThat(fleet.lease(theirs, 1, 0).leases()).extracting(Lease::stepId).containsExactly(stepId);
    }

    @Test
    void aClaimPassesOverAStepAnotherClaimTookSinceTheQueueWasRead() {
        FleetFixtures.Edge edge = fleet.edge(ws);
        RunView first = fleet.submit(ws, step("a"));
        RunView second = fleet.submit(ws, step("b"));
        Lease taken = fleet.lease(edge, 1, 0).leases().getFirst(); // the oldest: a claim since "the queue was read"
        UUID left = (taken.runId().equals(first.id()) ? second : first).steps().getFirst().id();

        Map<UUID, UUID> held = tx.execute(s -> leaseStore.lockRuns(List.of(taken.stepId(), left), List.of(ws), 1));

        // the running step's run is free again, but its step is no longer queued: passed over, not counted
        assertThat(held).containsOnlyKeys(left);
    }

    @Test
    void claimsOfOneWorkspaceTakeTurnsAndEachReadsTheQueueTheOneBeforeLeft() throws Exception {
        FleetFixtures.Edge a = fleet.edge(ws, "turn-a", Map.of(), List.of("http"), 4);
        FleetFixtures.Edge b = fleet.edge(ws, "turn-b", Map.of(), List.of("http"), 4);
        List<UUID> queue = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            queue.add(fleet.submit(ws, step("t" + i)).steps().getFirst().id());
        }
        // past the placement grace, so either edge may take any step
        jdbc.sql("UPDATE steps SET updated_at = updated_at - interval '10 seconds' WHERE workspace_id = ?")
                .param(ws).update();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch claimed = new CountDownLatch(1);
            CountDownLatch commit = new CountDownLatch(1);
            Future<List<Lease>> first = pool.submit(() -> tx.execute(s -> {
                List<Lease> got = leases.claim(a.id(), 3).leases();
                claimed.countDown();
                try {
                    commit.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return got;
            }));
            assertThat(claimed.await(30, TimeUnit.SECONDS)).isTrue();
            Future<LeaseBatch> second = pool.submit(() -> fleet.lease(b, 3, 0));

            // the second claim waits for its turn while the first is in flight, instead of reading the same queue
            await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.sql(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").query(Long.class)
                    .single() == 1);
            assertThat(second.isDone()).isFalse();
            commit.countDown();

            List<UUID> fromA = first.get(30, TimeUnit.SECONDS).stream().map(Lease::stepId).toList();
            List<UUID> fromB = second.get(30, TimeUnit.SECONDS).leases().stream().map(Lease::stepId).toList();
            assertThat(fromA).containsExactlyInAnyOrderElementsOf(queue.subList(0, 3));
            assertThat(fromB).containsExactlyInAnyOrderElementsOf(queue.subList(3, 6));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void edgesOfTheSameTwoWorkspacesClaimingAtOnceTakeTurnsWithoutDeadlock() throws Exception {
        UUID other = fleet.workspace("lease-turns");
        String body = Json.write(new CreateEnrollment("both", List.of(other), 2, null));
        FleetFixtures.Edge x = fleet.enroll(fleet.enrollment(ws, body).token(), "both-x", Map.of(), List.of("http"), 8);
        FleetFixtures.Edge y = fleet.enroll(fleet.enrollment(ws, body).token(), "both-y", Map.of(), List.of("http"), 8);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                List<UUID> steps = new ArrayList<>();
                for (UUID w : List.of(ws, other)) {
                    RunView run = fleet.submit(w, step("s1"), step("s2"), step("s3"));
                    run.steps().forEach(st -> steps.add(st.id()));
                    jdbc.sql("UPDATE steps SET updated_at = updated_at - interval '10 seconds' WHERE run_id = ?")
                            .param(run.id()).update();
                }
                List<Lease> all = leaseAtOnce(pool, x, y, 3).all();
                // each claim waited for its turn in both workspaces, in the same order: no deadlock, no step twice,
                // and the second claim read what the first left, so together they took the six steps
                assertThat(all).extracting(Lease::stepId).as("round " + round).doesNotHaveDuplicates()
                        .containsExactlyInAnyOrderElementsOf(steps);
                for (Lease l : all) {
                    FleetFixtures.Edge holder = stored(l.stepId()).edgeId().equals(x.id()) ? x : y;
                    assertThat(fleet.report(holder, l.stepId(), "result", new StepResult(l.epoch(),
                            StepStatus.COMPLETED, null, null)).status()).isEqualTo(204);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClaimLooksItsStepsUpByPrimaryKeyEvenWhenTheStatisticsSayTheQueueIsEmpty() {
        queueAndAnalyse(10);
        for (String planMode : List.of("force_custom_plan", "force_generic_plan")) {
            tx.executeWithoutResult(status -> {
                statisticsSayNoStepIsQueued();
                jdbc.sql("DISCARD PLANS").update();
                jdbc.sql("SET LOCAL plan_cache_mode = " + planMode).update();
                java.time.Instant now = java.time.Instant.now();
                List<LeaseStore.Ready> ready = leaseStore.ready(List.of(ws), List.of("http"), Map.of(), now, 60);
                long queueScans = indexScans("steps_queued");
                long keyScans = indexScans("steps_pkey");

                List<LeaseStore.Claimed> claimed = leaseStore.claim(ready,
                        ready.stream().map(LeaseStore.Ready::runId).distinct().toList(), List.of(ws),
                        List.of("http"), Map.of(), now, 60);

                assertThat(claimed).extracting(LeaseStore.Claimed::id)
                        .containsExactlyInAnyOrderElementsOf(ready.stream().map(LeaseStore.Ready::id).toList());
                assertThat(indexScans("steps_queued") - queueScans).as("scans of the queue's index, " + planMode)
                        .isZero();
                assertThat(indexScans("steps_pkey") - keyScans).as("lookups by primary key, " + planMode)
                        .isEqualTo(60);
                status.setRollbackOnly(); // the statistics too
            });
        }
    }

    @Test
    void theUnplacedMarkLooksItsStepsUpByPrimaryKeyEvenWhenTheStatisticsSayTheQueueIsEmpty() {
        queueAndAnalyse(4);
        tx.executeWithoutResult(status -> {
            statisticsSayNoStepIsQueued();
            List<LeaseStore.Ready> waiting = leaseStore.ready(List.of(ws), List.of("http"), Map.of(),
                    java.time.Instant.now(), 40);
            Map<LeaseStore.Ready, String> reasons = new java.util.LinkedHashMap<>();
            waiting.forEach(step -> reasons.put(step, "no edge"));
            List<String> partial = List.of("steps_queued", "steps_unplaced_candidates", "steps_unplaced_required");
            long partialScans = partial.stream().mapToLong(this::indexScans).sum();
            long keyScans = indexScans("steps_pkey");

            assertThat(leaseStore.markUnplaced(reasons)).hasSize(40);
            assertThat(partial.stream().mapToLong(this::indexScans).sum() - partialScans)
                    .as("scans of the queue's partial indexes").isZero();
            assertThat(indexScans("steps_pkey") - keyScans).as("lookups by primary key").isEqualTo(40);
            // a second mark finds them reported: nothing recorded twice
            assertThat(leaseStore.markUnplaced(reasons)).isEmpty();
            status.setRollbackOnly();
        });
    }

    record Plans(long generic, long custom) {}

    @Test
    void aClaimsStatementsKeepOneGenericPlanPerConnection() {
        FleetFixtures.Edge edge = fleet.edge(ws, "planner", Map.of(), List.of("http"), 16);
        for (int i = 0; i < 10; i++) {
            fleet.submit(ws, step("p" + i));
        }
        Plans plans = tx.execute(s -> {
            // one connection for every claim: the driver prepares a statement on the server from its fifth use
            for (int i = 0; i < 10; i++) {
                assertThat(leases.claim(edge.id(), 1).leases()).hasSize(1);
            }
            assertThat(jdbc.sql("SELECT current_setting('plan_cache_mode')").query(String.class).single())
                    .isEqualTo("force_generic_plan");
            return jdbc.sql("""
                    SELECT generic_plans, custom_plans FROM pg_prepared_statements
                    WHERE statement LIKE '%AS c(ws, id)%FOR NO KEY UPDATE OF s SKIP LOCKED'""")
                    .query((rs, n) -> new Plans(rs.getLong("generic_plans"), rs.getLong("custom_plans"))).single();
        });

        assertThat(plans.custom()).as("plans made for one execution's arguments").isZero();
        assertThat(plans.generic()).as("executions on the kept plan").isPositive();
        // the setting ends with the transaction: the server's other statements plan for their arguments (ADR 0035)
        String afterwards = tx.execute(s -> jdbc.sql("SELECT current_setting('plan_cache_mode')")
                .query(String.class).single());
        assertThat(afterwards).isEqualTo("force_custom_plan");
    }

    /** Queues {@code runs} runs of 50 steps each and takes the table's statistics with them. */
    private void queueAndAnalyse(int runs) {
        for (int r = 0; r < runs; r++) {
            List<StepSpec> steps = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                steps.add(step("s" + i));
            }
            fleet.submit(ws, steps.toArray(StepSpec[]::new));
        }
        jdbc.sql("ANALYZE steps").update();
    }

    /**
     * In the caller's transaction (roll it back), the status's statistics from before the queue grew, as a drain
     * meets them: no step queued. Under them the queue's partial indexes look empty, and a lookup that may use
     * one walks the whole queue.
     */
    private void statisticsSayNoStepIsQueued() {
        jdbc.sql("""
                SELECT pg_restore_attribute_stats('schemaname', 'public', 'relname', 'steps',
                    'attname', 'status', 'inherited', false, 'null_frac', CAST(0 AS real), 'avg_width', 9,
                    'n_distinct', CAST(1 AS real), 'most_common_vals', CAST('{completed}' AS text),
                    'most_common_freqs', CAST('{1}' AS real[]))""").query(Boolean.class).single();
    }

    /** Scans of {@code index} in this transaction so far. */
    private long indexScans(String index) {
        return jdbc.sql("SELECT pg_stat_get_xact_numscans(CAST(:index AS regclass))").param("index", index)
                .query(Long.class).single();
    }
}
