package io.octvex.edge.lease;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.edge.handler.Handler;
import io.octvex.edge.handler.StepContext;
import io.octvex.edge.identity.EdgeIdentity;
import io.octvex.edge.noop.NoopHandler;
import io.octvex.protocol.Json;
import io.octvex.protocol.Lease;
import io.octvex.protocol.StepStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The lease loop against a fake edge API: results, fencing, lost leases, revocation and drain. */
class EdgeLeaseLoopTest {
    @TempDir
    Path work;
    FakeEdgeServer server;
    Edge edge;
    /** The waits the edge asked for; each is slept for a few milliseconds only. */
    final List<Duration> waits = new java.util.concurrent.CopyOnWriteArrayList<>();
    final Sleeper recording = d -> {
        waits.add(d);
        Thread.sleep(5);
    };

    @BeforeEach
    void start() throws Exception {
        server = new FakeEdgeServer();
    }

    @AfterEach
    void stop() {
        if (edge != null) {
            edge.close();
        }
        server.close();
    }

    private Edge edge(Handler... extra) {
        return edge(2, extra);
    }

    private Edge edge(int capacity, Handler... extra) {
        return edge(server.url(), capacity, extra);
    }

    private Edge edge(java.net.URI url, int capacity, Handler... extra) {
        return edge(url, capacity, Edge.GATHER, extra);
    }

    private Edge edge(java.net.URI url, int capacity, Duration gather, Handler... extra) {
        return edge(url, capacity, gather, 0, extra);
    }

    private Edge edge(java.net.URI url, int capacity, Duration gather, int prefetch, Handler... extra) {
        var identity = new EdgeIdentity(UUID.randomUUID(), "ovx_edge_test-token", url, List.of(), "t",
                capacity, "pub", "priv", Instant.now());
        var builder = Edge.builder(identity).handler(new NoopHandler()).workRoot(work)
                .drainTimeout(Duration.ofSeconds(5)).sleeper(recording).gather(gather).prefetch(prefetch);
        for (Handler h : extra) {
            builder.handler(h);
        }
        edge = builder.build();
        edge.start();
        return edge;
    }

    @Test
    void runsALeaseAndReportsTheResultWithItsEpochWhileHeartbeatingIt() throws Exception {
        edge();
        Lease lease = FakeEdgeServer.lease("noop", Json.tree("{\"sleepMillis\":1500,\"x\":1}"));
        server.offers.add(lease);

        await(() -> server.results.containsKey(lease.stepId()));

        var result = server.results.get(lease.stepId());
        assertThat(result.status()).isEqualTo(StepStatus.COMPLETED);
        assertThat(result.epoch()).isEqualTo(7);
        assertThat(result.result().get("echo").get("x").asInt()).isEqualTo(1);
        assertThat(server.heartbeats).anySatisfy(hb -> assertThat(hb.leases()).anySatisfy(ref -> {
            assertThat(ref.stepId()).isEqualTo(lease.stepId());
            assertThat(ref.epoch()).isEqualTo(7);
        }));
        assertThat(server.progress).contains("sleeping 1500 ms");
        assertThat(server.authorizations).allMatch(a -> a.equals("Bearer ovx_edge_test-token"));
    }

    @Test
    void anUnknownHandlerAndAnExplodingHandlerFailClearly() throws Exception {
        edge(handler("boom", context -> {
            throw new IllegalStateException("secret internals");
        }));
        Lease unknown = FakeEdgeServer.lease("browser", null);
        Lease boom = FakeEdgeServer.lease("boom", null);
        Lease failing = FakeEdgeServer.lease("noop", Json.tree("{\"fail\":\"target said no\"}"));
        server.offers.addAll(List.of(unknown, boom, failing));

        await(() -> server.results.keySet().containsAll(List.of(unknown.stepId(), boom.stepId(), failing.stepId())));

        assertThat(server.results.get(unknown.stepId()).error())
                .isEqualTo("this edge has no handler named \"browser\" (it runs: boom, noop)");
        assertThat(server.results.get(boom.stepId()).error()).isEqualTo("internal error in handler boom");
        assertThat(server.results.get(failing.stepId()).error()).isEqualTo("target said no");
        assertThat(server.results.values()).allMatch(r -> r.status() == StepStatus.FAILED);
    }

    @Test
    void whileStepsRunAFreedSlotWaitsForOthersSoOneLeaseRequestAsksForSeveral() throws Exception {
        // steps ending 0.2 s, 0.6 s and 1 s in, one running on: without gathering the next request asks for 1
        for (int millis : new int[] {200, 600, 1000, 60_000}) {
            server.offers.add(FakeEdgeServer.lease("noop", Json.tree("{\"sleepMillis\":" + millis + "}")));
        }
        edge(server.url(), 4, Duration.ofSeconds(5));

        await(() -> server.asked.size() >= 2);

        assertThat(server.asked.getFirst()).isEqualTo(4);
        assertThat(server.asked.get(1)).as("the second request, once half the slots were free").isEqualTo(2);
    }

    /** A handler sleeping {@code sleepMillis}, counting how many of its steps run at once. */
    private static Handler counting(java.util.concurrent.atomic.AtomicInteger running,
                                    java.util.concurrent.atomic.AtomicInteger mostRunning, Runnable onStart) {
        return handler("probe", context -> {
            onStart.run();
            mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(context.input().path("sleepMillis").asInt());
            } finally {
                running.decrementAndGet();
            }
            return null;
        });
    }

    /** An edge of {@code capacity} slots and {@code prefetch} running probes; answers the most run at once. */
    private java.util.concurrent.atomic.AtomicInteger prefetchingProbes(int capacity, int prefetch) {
        var running = new java.util.concurrent.atomic.AtomicInteger();
        var mostRunning = new java.util.concurrent.atomic.AtomicInteger();
        edge(server.url(), capacity, Edge.GATHER, prefetch, counting(running, mostRunning, () -> { }));
        return mostRunning;
    }

    /** Offers {@code count} probe steps sleeping {@code sleepMillis}; returns once the edge reported them all. */
    private void runProbes(int count, int sleepMillis) throws InterruptedException {
        List<Lease> probes = java.util.stream.IntStream.range(0, count).mapToObj(i -> FakeEdgeServer.lease("probe",
                Json.tree("{\"sleepMillis\":" + sleepMillis + "}"))).toList();
        server.offers.addAll(probes);
        await(() -> server.results.keySet().containsAll(probes.stream().map(Lease::stepId).toList()));
    }

    @Test
    void onceItsStepsRunShortAnEdgeLeasesStepsBeyondItsSlotsHeartbeatsThemAndRunsThemAsSlotsFree() throws Exception {
        var mostRunning = prefetchingProbes(2, 2);
        runProbes(2, 0);
        assertThat(server.asked.getFirst()).as("before any step ran: only the free slots").isEqualTo(2);

        runProbes(4, 1_500);

        // 1.5 s steps and a heartbeat every second: one beat falls while two run and two wait
        assertThat(server.heartbeats).as("after short steps: leases beyond the slots, kept alive while waiting")
                .anyMatch(hb -> hb.leases().size() > 2);
        assertThat(mostRunning.get()).as("never more at once than the slots").isEqualTo(2);
        assertThat(server.heartbeats).allMatch(hb -> hb.freeSlots() >= 0 && hb.freeSlots() <= 2);
    }

    @Test
    void anEdgeWhoseStepsRunLongLeasesNoMoreThanItsFreeSlots() throws Exception {
        var mostRunning = prefetchingProbes(2, 2);
        runProbes(2, 400);
        runProbes(3, 300);

        assertThat(server.asked).as("steps of 300-400 ms: no prefetch").allMatch(n -> n <= 2);
        assertThat(server.refillAsked).allMatch(n -> n <= 2);
        assertThat(mostRunning.get()).isLessThanOrEqualTo(2);
    }

    @Test
    void anEdgeLeasesOnlyAsManyStepsAheadAsItsSlotsFinishIn250Milliseconds() throws Exception {
        var mostRunning = prefetchingProbes(2, 14);
        runProbes(2, 120);
        runProbes(12, 120);

        // 2 slots x 250 ms / ~120 ms: 4 ahead, not the 14 it may hold at most
        assertThat(server.asked).as("beyond the slots, but within what 250 ms of steps covers")
                .anyMatch(n -> n > 2).allMatch(n -> n <= 6);
        assertThat(mostRunning.get()).isLessThanOrEqualTo(2);
    }

    @Test
    void resultsThatFinishWhileAReportIsInFlightGoTogetherInTheNext() throws Exception {
        server.resultDelayMillis = 500;
        edge(4);
        List<Lease> leases = List.of(FakeEdgeServer.lease("noop", null), FakeEdgeServer.lease("noop", null),
                FakeEdgeServer.lease("noop", null), FakeEdgeServer.lease("noop", null));
        server.offers.addAll(leases);

        await(() -> server.results.keySet().containsAll(leases.stream().map(Lease::stepId).toList()));

        assertThat(server.batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(4);
        assertThat(server.batches).hasSizeLessThan(4).anyMatch(size -> size > 1);
        assertThat(server.singles.get()).isZero();
    }

    @Test
    void aReportAsksForAsManyStepsAsItFreesAndTheStepsLeasedWithItsAnswerRunInThoseSlots() throws Exception {
        List<Integer> requestsSeenAtStart = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger mostRunning = new java.util.concurrent.atomic.AtomicInteger();
        Handler probe = counting(running, mostRunning, () -> requestsSeenAtStart.add(server.asked.size()));
        List<Lease> first = List.of(FakeEdgeServer.lease("probe", Json.tree("{\"sleepMillis\":300}")),
                FakeEdgeServer.lease("probe", Json.tree("{\"sleepMillis\":300}")));
        List<Lease> refilled = List.of(FakeEdgeServer.lease("probe", Json.tree("{\"sleepMillis\":0}")),
                FakeEdgeServer.lease("probe", Json.tree("{\"sleepMillis\":0}")));
        server.offers.addAll(first);
        server.refills.addAll(refilled); // only a result report's answer hands these out
        edge(2, probe);

        await(() -> server.results.keySet().containsAll(refilled.stream().map(Lease::stepId).toList()));

        assertThat(server.results.keySet()).containsAll(first.stream().map(Lease::stepId).toList());
        assertThat(server.refillAsked).as("each report asks for the slots it frees").isEqualTo(server.batches);
        assertThat(requestsSeenAtStart).as("no lease request between the first and the refilled steps")
                .containsOnly(1);
        assertThat(mostRunning.get()).isLessThanOrEqualTo(2);
    }

    @Test
    void aRetryLeasedWithTheReportOfTheFailedAttemptRunsAgain() throws Exception {
        Lease failing = FakeEdgeServer.lease("noop", Json.tree("{\"fail\":\"try again\"}"));
        Lease retry = new Lease(failing.workspaceId(), failing.runId(), failing.stepId(), failing.stepKey(), "noop",
                failing.action(), Json.tree("{}"), 2, failing.epoch() + 1, failing.expiresAt(), null, null);
        server.offers.add(failing);
        server.refills.add(retry);
        edge(1);

        await(() -> server.results.containsKey(failing.stepId())
                && server.results.get(failing.stepId()).status() == StepStatus.COMPLETED);

        assertThat(server.results.get(failing.stepId()).epoch()).isEqualTo(failing.epoch() + 1);
    }

    @Test
    void aWorkFolderIsMadeOnlyForAHandlerThatAsksForOneAndRemovedWhenItsStepEnds() throws Exception {
        List<Path> made = new java.util.concurrent.CopyOnWriteArrayList<>();
        Handler writer = handler("writer", context -> {
            java.nio.file.Files.writeString(context.workDir().resolve("notes.txt"), "kept while the step runs");
            made.add(context.workDir());
            return null;
        });
        Lease writes = FakeEdgeServer.lease("writer", null);
        Lease none = FakeEdgeServer.lease("noop", null);
        server.offers.addAll(List.of(writes, none));
        edge(2, writer);

        await(() -> server.results.keySet().containsAll(List.of(writes.stepId(), none.stepId())));
        await(() -> edge.status().activeSteps() == 0);

        assertThat(server.results.get(writes.stepId()).status()).isEqualTo(StepStatus.COMPLETED);
        assertThat(made).singleElement().satisfies(dir -> assertThat(dir).startsWithRaw(work).doesNotExist());
        try (var left = java.nio.file.Files.list(work)) {
            assertThat(left).as("no folder for the no-op step, none left by the writer").isEmpty();
        }
    }

    @Test
    void aServerWithoutResultBatchesGetsOneResultPerRequest() throws Exception {
        server.noBatches = true;
        edge(4);
        List<Lease> leases = List.of(FakeEdgeServer.lease("noop", null), FakeEdgeServer.lease("noop", null),
                FakeEdgeServer.lease("noop", null));
        server.offers.addAll(leases);

        await(() -> server.results.keySet().containsAll(leases.stream().map(Lease::stepId).toList()));

        assertThat(server.singles.get()).isEqualTo(3);
        assertThat(server.batches).isEmpty();
    }

    @Test
    void aResultFencedInABatchIsDroppedAndTheOthersRecorded() throws Exception {
        server.resultDelayMillis = 300;
        edge(4);
        Lease fenced = FakeEdgeServer.lease("noop", null);
        Lease ok = FakeEdgeServer.lease("noop", null);
        server.refuseReports.add(fenced.stepId());
        server.offers.addAll(List.of(fenced, ok));

        await(() -> server.results.containsKey(ok.stepId()));
        await(() -> edge.status().activeSteps() == 0);

        assertThat(server.results).doesNotContainKey(fenced.stepId());
        assertThat(server.singles.get()).isZero();
    }

    @Test
    void aLeaseTheHeartbeatCallsLostIsCancelledAndItsResultDropped() throws Exception {
        edge();
        Lease lease = FakeEdgeServer.lease("noop", Json.tree("{\"sleepMillis\":60000}"));
        server.lost.add(lease.stepId());
        server.offers.add(lease);

        await(() -> edge.status().activeSteps() == 1);
        await(() -> edge.status().activeSteps() == 0);
        Thread.sleep(300);

        assertThat(server.results).doesNotContainKey(lease.stepId());
    }

    @Test
    void aResultAnswered503IsRetriedUntilTheServerTakesIt() throws Exception {
        edge();
        Lease lease = FakeEdgeServer.lease("noop", Json.tree("{\"sleepMillis\":10}"));
        server.unavailableResults.set(2); // the server's database is restarting
        server.offers.add(lease);

        await(() -> server.results.containsKey(lease.stepId()));

        assertThat(server.results.get(lease.stepId()).status()).isEqualTo(StepStatus.COMPLETED);
        assertThat(server.unavailableResults.get()).isZero();
    }

    @Test
    void aLeaseRequestAnswered503WaitsWhatTheServersRetryAfterSaysThenLeases() throws Exception {
        server.unavailableLeases.set(3);
        server.retryAfter = "2";
        Lease lease = FakeEdgeServer.lease("noop", Json.tree("{}"));
        server.offers.add(lease);

        edge();

        await(() -> server.results.containsKey(lease.stepId()));
        assertThat(waits).hasSize(3).allSatisfy(w -> assertThat(w).isBetween(Duration.ofSeconds(2),
                Duration.ofMillis(2500)));
    }

    @Test
    void manyAnswers503WithoutRetryAfterKeepTheWaitsWithinAFewSeconds() throws Exception {
        server.unavailableLeases.set(12);
        Lease lease = FakeEdgeServer.lease("noop", Json.tree("{}"));
        server.offers.add(lease);

        edge();

        await(() -> server.results.containsKey(lease.stepId()));
        assertThat(waits).hasSize(12).allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(Backoff.UNAVAILABLE_CAP));
        assertThat(waits.subList(0, 1)).allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(Duration.ofSeconds(1)));
    }

    @Test
    void anUnreachableServerIsAskedAgainWithinAFewSecondsAndTheBackOffStartsOverOnceItAnswers() throws Exception {
        int port;
        try (var probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort(); // closed again: connections are refused
        }
        edge(java.net.URI.create("http://127.0.0.1:" + port), 2);

        await(() -> waits.size() >= 10);
        assertThat(waits).allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(Backoff.UNAVAILABLE_CAP));
        assertThat(edge.status().connected()).isFalse();
    }

    @Test
    void aResultAnswered503IsRetriedAfterTheServersRetryAfter() throws Exception {
        edge();
        server.retryAfter = "1";
        Lease lease = FakeEdgeServer.lease("noop", Json.tree("{}"));
        server.unavailableResults.set(2);
        server.offers.add(lease);

        await(() -> server.results.containsKey(lease.stepId()));

        assertThat(waits).hasSize(2).allSatisfy(w -> assertThat(w).isBetween(Duration.ofSeconds(1),
                Duration.ofMillis(1250)));
    }

    @Test
    void aRefusedReportCancelsTheStep() throws Exception {
        edge();
        Lease lease = FakeEdgeServer.lease("noop", Json.tree("{\"sleepMillis\":60000}"));
        server.refuseReports.add(lease.stepId()); // its first progress report gets 409
        server.offers.add(lease);

        await(server.offers::isEmpty); // leased (the step may end before a poll could see it running)
        await(() -> edge.status().activeSteps() == 0);
        Thread.sleep(300);

        assertThat(server.results).doesNotContainKey(lease.stepId());
    }

    @Test
    void aRevokedEdgeStopsAtOnce() throws Exception {
        edge();
        server.revoked = true;

        assertThat(edge.stopped().get(10, TimeUnit.SECONDS)).isEqualTo(Edge.Stop.REVOKED);
    }

    @Test
    void aServerDrainFinishesInFlightWorkThenStops() throws Exception {
        edge();
        Lease lease = FakeEdgeServer.lease("noop", Json.tree("{\"sleepMillis\":1000}"));
        server.offers.add(lease);
        await(() -> edge.status().activeSteps() == 1);

        server.drain = true;

        assertThat(edge.stopped().get(10, TimeUnit.SECONDS)).isEqualTo(Edge.Stop.DRAINED);
        assertThat(server.results.get(lease.stepId()).status()).isEqualTo(StepStatus.COMPLETED);
    }

    @Test
    void drainingAnIdleEdgeStopsPromptly() throws Exception {
        edge();
        Thread.sleep(200);
        long started = System.nanoTime();

        edge.drain();

        assertThat(edge.stopped().get(5, TimeUnit.SECONDS)).isEqualTo(Edge.Stop.DRAINED);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(edge.status().phase()).isEqualTo(Edge.Phase.STOPPED);
    }

    /** What a test handler does with a step. */
    private interface Body {
        JsonNode run(StepContext context) throws Exception;
    }

    private static Handler handler(String name, Body body) {
        return new Handler() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public JsonNode run(StepContext context) throws Exception {
                return body.run(context);
            }
        };
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 15 s");
            }
            Thread.sleep(20);
        }
    }

}
