package io.octvex.desk.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.desk.screen.Notice;
import io.octvex.protocol.EdgeState;
import io.octvex.protocol.EdgeView;
import io.octvex.protocol.EventView;
import io.octvex.protocol.OctvexApiException;
import io.octvex.protocol.Problem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Fleet model against a fake server: heartbeat ages on a moved clock, samples, actions, live refresh. */
class FleetModelTest {
    private static final Instant T0 = Instant.parse("2026-11-24T03:00:00Z");
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final MovableClock clock = new MovableClock(T0);
    private final FakeApi api = new FakeApi();
    private final FleetModel model = new FleetModel(api, Runnable::run, Runnable::run, timer, Duration.ofMillis(50),
            Duration.ofHours(1), clock);

    @AfterEach
    void stop() {
        model.close();
        timer.shutdownNow();
    }

    @Test
    void edgesAreListedByNameWithTheirHeartbeatAgeMovingWithTheClock() {
        api.edges.add(edge("zeta", EdgeState.ACTIVE, T0.minusSeconds(4), 1));
        api.edges.add(edge("alpha", EdgeState.QUARANTINED, null, 0));
        model.start(0);
        assertThat(model.edges()).extracting(EdgeView::name).containsExactly("alpha", "zeta");
        EdgeView zeta = model.edges().get(1);
        assertThat(FleetView.age(model.heartbeatAge(zeta))).isEqualTo("4 s ago");
        assertThat(FleetView.age(model.heartbeatAge(model.edges().getFirst()))).isEqualTo("never");

        clock.now = T0.plusSeconds(90);
        model.tick();
        assertThat(FleetView.age(model.heartbeatAge(zeta))).isEqualTo("1 min ago");
    }

    @Test
    void aSampleCountsTheQueueAndTheLeasesOfAllEdgesAndTheChartKeepsAWindow() {
        api.edges.add(edge("a", EdgeState.ACTIVE, T0, 2));
        api.edges.add(edge("b", EdgeState.ACTIVE, T0, 1));
        api.queued.set(7);
        model.sample();
        assertThat(model.samples()).containsExactly(new FleetModel.Sample(T0, 7, 3));

        for (int i = 1; i <= FleetModel.MAX_SAMPLES + 5; i++) {
            clock.now = T0.plusSeconds(5L * i);
            api.queued.set(i);
            model.sample();
        }
        assertThat(model.samples()).hasSize(FleetModel.MAX_SAMPLES);
        assertThat(model.samples().getLast().queuedSteps()).isEqualTo(FleetModel.MAX_SAMPLES + 5);
        assertThat(model.samples().getFirst().queuedSteps()).isEqualTo(6);
    }

    @Test
    void samplingRunsOnlyBetweenStartAndStop() throws Exception {
        var sampling = new FleetModel(api, Runnable::run, Runnable::run, timer, Duration.ofMillis(50),
                Duration.ofMillis(20), clock);
        api.edges.add(edge("a", EdgeState.ACTIVE, T0, 1));
        sampling.startSampling();
        await(() -> sampling.samples().size() >= 3);
        sampling.stopSampling();
        Thread.sleep(100); // a sample already under way may still land
        int stopped = sampling.samples().size();
        Thread.sleep(200);
        assertThat(sampling.samples()).hasSize(stopped);
        sampling.close();
    }

    @Test
    void actionsReachTheServerAndRefusalsAreSentences() {
        EdgeView edge = edge("builder", EdgeState.ACTIVE, T0, 0);
        api.edges.add(edge);
        model.start(0);
        model.quarantine(edge);
        assertThat(api.calls).containsExactly("quarantine " + edge.id());
        assertThat(model.noticeProperty().get()).isEqualTo(
                Notice.info("builder is now quarantined: it gets no new leases."));
        model.release(edge);
        assertThat(model.noticeProperty().get()).isEqualTo(Notice.info("builder is now active."));

        api.refusal = new OctvexApiException(new Problem("about:blank", "Forbidden", 403,
                "the edge also serves a workspace you do not administer", null));
        model.drain(edge);
        assertThat(model.noticeProperty().get()).isEqualTo(Notice.problem(
                "Drain refused: Not allowed: the edge also serves a workspace you do not administer"));
    }

    @Test
    void edgeEventsRefreshTheTableOncePerBurst() throws Exception {
        model.start(0);
        int before = api.loads.get();
        api.edges.add(edge("new", EdgeState.ACTIVE, T0, 0));
        for (int seq = 1; seq <= 4; seq++) {
            api.onEvent.accept(new EventView(UUID.randomUUID(), seq, UUID.randomUUID(),
                    seq == 2 ? "run.created" : "edge.enrolled", null, null, null, T0, null, null, null));
        }
        await(() -> model.edges().size() == 1);
        Thread.sleep(200);
        assertThat(api.loads.get() - before).isEqualTo(1);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 100 && !condition.getAsBoolean(); i++) {
            Thread.sleep(20);
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }

    static EdgeView edge(String name, EdgeState state, Instant heartbeat, int leases) {
        return new EdgeView(UUID.randomUUID(), name, state, Map.of("zone", "eu"), List.of("noop"), 4, leases, T0,
                heartbeat, 12L, 0, true, "test");
    }

    private static final class MovableClock extends Clock {
        volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static final class FakeApi implements FleetApi {
        final List<EdgeView> edges = new CopyOnWriteArrayList<>();
        final List<String> calls = new ArrayList<>();
        final AtomicInteger queued = new AtomicInteger();
        final AtomicInteger loads = new AtomicInteger();
        volatile RuntimeException refusal;
        Consumer<EventView> onEvent;

        @Override
        public List<EdgeView> edges() {
            loads.incrementAndGet();
            return List.copyOf(edges);
        }

        private EdgeView change(String verb, UUID edgeId, EdgeState to) {
            calls.add(verb + " " + edgeId);
            if (refusal != null) {
                throw refusal;
            }
            EdgeView e = edges.stream().filter(x -> x.id().equals(edgeId)).findFirst().orElseThrow();
            return new EdgeView(e.id(), e.name(), to, e.labels(), e.capabilities(), e.capacity(), e.activeLeases(),
                    e.enrolledAt(), e.lastHeartbeatAt(), e.latencyMillis(), e.consecutiveFailures(), e.healthy(),
                    e.version());
        }

        @Override
        public EdgeView quarantine(UUID edgeId) {
            return change("quarantine", edgeId, EdgeState.QUARANTINED);
        }

        @Override
        public EdgeView drain(UUID edgeId) {
            return change("drain", edgeId, EdgeState.DRAINING);
        }

        @Override
        public EdgeView release(UUID edgeId) {
            return change("release", edgeId, EdgeState.ACTIVE);
        }

        @Override
        public int queuedSteps() {
            return queued.get();
        }

        @Override
        public AutoCloseable subscribe(long afterSeq, Consumer<EventView> onEvent, Consumer<Throwable> onError,
                                       Runnable onOpen) {
            this.onEvent = onEvent;
            return () -> {};
        }
    }
}
