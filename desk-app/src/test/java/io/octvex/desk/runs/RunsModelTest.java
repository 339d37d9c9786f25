package io.octvex.desk.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.desk.screen.LiveSync;
import io.octvex.desk.screen.Notice;
import io.octvex.protocol.EventView;
import io.octvex.protocol.OctvexApiException;
import io.octvex.protocol.OctvexConnectionException;
import io.octvex.protocol.Problem;
import io.octvex.protocol.RunPage;
import io.octvex.protocol.RunStatus;
import io.octvex.protocol.RunView;
import io.octvex.protocol.StepStatus;
import io.octvex.protocol.StepView;
import io.octvex.protocol.Timeline;
import io.octvex.protocol.TimelineEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Runs model against a fake server: filters, Load more, live refresh of list and open run, cancel. */
class RunsModelTest {
    private static final Instant NOW = Instant.parse("2026-11-24T03:00:00Z");
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final FakeApi api = new FakeApi();
    private final RunsModel model = new RunsModel(api, Runnable::run, Runnable::run, timer, Duration.ofMillis(50),
            Clock.fixed(NOW, ZoneOffset.UTC));

    @AfterEach
    void stop() {
        model.close();
        timer.shutdownNow();
    }

    @Test
    void asksTheServerForTheChosenStatusAndTimeRange() {
        api.add(run("recent", RunStatus.RUNNING, NOW.minusSeconds(600)));
        api.add(run("this morning", RunStatus.COMPLETED, NOW.minus(Duration.ofHours(2))));
        api.add(run("last week", RunStatus.COMPLETED, NOW.minus(Duration.ofDays(3))));
        model.start(0);
        assertThat(api.askedFrom).isEqualTo(NOW.minus(Duration.ofDays(1)));
        assertThat(model.runs()).extracting(RunView::title).containsExactly("recent", "this morning");

        model.sinceProperty().set(RunsModel.Since.LAST_HOUR);
        assertThat(api.askedFrom).isEqualTo(NOW.minus(Duration.ofHours(1)));
        assertThat(model.runs()).extracting(RunView::title).containsExactly("recent");

        model.sinceProperty().set(RunsModel.Since.ALL);
        model.statusProperty().set(RunStatus.COMPLETED);
        assertThat(api.askedStatus).isEqualTo(RunStatus.COMPLETED);
        assertThat(api.askedFrom).isNull();
        assertThat(model.runs()).extracting(RunView::title).containsExactly("this morning", "last week");
        assertThat(model.moreProperty().get()).isFalse();
    }

    @Test
    void loadMorePagesBackWithTheCursorAndARefreshKeepsThePagesShown() {
        RunsModel paged = new RunsModel(api, Runnable::run, Runnable::run, timer, Duration.ofMillis(50),
                Clock.fixed(NOW, ZoneOffset.UTC), 2);
        for (int i = 0; i < 5; i++) {
            api.add(run("run " + i, RunStatus.QUEUED, NOW.minusSeconds(60 + i)));
        }
        api.add(run("old", RunStatus.QUEUED, NOW.minus(Duration.ofDays(2))));
        paged.start(0);
        assertThat(paged.runs()).extracting(RunView::title).containsExactly("run 0", "run 1");
        assertThat(paged.moreProperty().get()).isTrue();

        paged.loadMore();
        assertThat(paged.runs()).extracting(RunView::title).containsExactly("run 0", "run 1", "run 2", "run 3");
        assertThat(api.askedBefore).isEqualTo("2");

        api.add(run("new", RunStatus.QUEUED, NOW.minusSeconds(1)));
        paged.refreshNow(); // as a live event does: the two pages shown, reloaded
        assertThat(paged.runs()).extracting(RunView::title).containsExactly("new", "run 0", "run 1", "run 2");

        paged.loadMore();
        paged.loadMore();
        assertThat(paged.runs()).extracting(RunView::title).hasSize(6).doesNotContain("old").endsWith("run 4");
        assertThat(paged.moreProperty().get()).isFalse();

        paged.statusProperty().set(RunStatus.QUEUED); // a new filter starts at one page again
        assertThat(paged.runs()).extracting(RunView::title).containsExactly("new", "run 0");
        assertThat(paged.moreProperty().get()).isTrue();
        paged.close();
    }

    @Test
    void eventsRefreshTheListOncePerBurstAndTheOpenRunFollowsItsOwnEvents() throws Exception {
        RunView run = run("nightly", RunStatus.RUNNING, NOW.minusSeconds(60));
        api.add(run);
        model.start(0);
        int initial = api.pages.get();
        api.onOpen.run();
        assertThat(model.syncProperty().get()).isEqualTo(LiveSync.LIVE);
        await(() -> api.pages.get() > initial); // a (re)connect refreshes the list
        Thread.sleep(100);
        model.open(run.id());
        assertThat(model.detailProperty().get().timeline().entries()).hasSize(1);

        int lists = api.pages.get();
        int timelines = api.timelines.get();
        api.timeline.add(entry("step.progress", "Step a: half way (50%)"));
        for (int seq = 1; seq <= 5; seq++) {
            api.onEvent.accept(event(seq, "step.progress", run.id()));
        }
        await(() -> model.detailProperty().get().timeline().entries().size() == 2);
        await(() -> api.pages.get() > lists);
        Thread.sleep(200);
        assertThat(api.pages.get() - lists).as("one list refresh for the burst").isEqualTo(1);
        assertThat(api.timelines.get() - timelines).as("one detail refresh for the burst").isEqualTo(1);

        // another run's events do not reload the open one; unrelated events reload nothing
        api.onEvent.accept(event(6, "run.created", UUID.randomUUID()));
        api.onEvent.accept(event(7, "edge.enrolled", null));
        await(() -> api.pages.get() - lists == 2);
        Thread.sleep(200);
        assertThat(api.timelines.get() - timelines).isEqualTo(1);
        assertThat(api.pages.get() - lists).isEqualTo(2);
        assertThat(model.cursor()).isEqualTo(7);

        api.onError.accept(new OctvexConnectionException("down", new java.io.IOException("refused")));
        assertThat(model.syncProperty().get()).isEqualTo(LiveSync.OFFLINE);
        assertThat(model.noticeProperty().get().text()).contains("Live updates are down").doesNotContain("Exception");
    }

    @Test
    void cancellingSaysWhatTheServerAnsweredAndAFinishedRunIsNotSent() {
        RunView run = run("long job", RunStatus.RUNNING, NOW.minusSeconds(60));
        api.add(run);
        model.start(0);
        model.cancel(run, "  wrong input  ");
        assertThat(api.cancelled).containsExactly(run.id() + ":wrong input");
        assertThat(model.noticeProperty().get()).isEqualTo(Notice.info("Run cancelled: long job"));

        api.refusal = new OctvexApiException(new Problem("about:blank", "Conflict", 409,
                "a run that is cancelled cannot become cancelled; it is finished", null));
        model.cancel(run, "");
        assertThat(model.noticeProperty().get()).isEqualTo(Notice.problem(
                "Cancel refused: Already settled: a run that is cancelled cannot become cancelled; it is finished"));

        model.cancel(run("done", RunStatus.COMPLETED, NOW), null);
        assertThat(model.noticeProperty().get().text()).isEqualTo("The run is already completed.");
        assertThat(api.cancelled).hasSize(2);
    }

    @Test
    void anArtifactIsFetchedOnceAndAFailureIsASentence() {
        UUID runId = UUID.randomUUID();
        UUID artifactId = UUID.randomUUID();
        List<byte[]> got = new ArrayList<>();
        model.artifact(runId, artifactId, got::add);
        model.artifact(runId, artifactId, got::add);
        assertThat(got).hasSize(2).allSatisfy(b -> assertThat(b).containsExactly(1, 2, 3));
        assertThat(api.artifacts.get()).isEqualTo(1);

        api.refusal = new OctvexApiException(new Problem("about:blank", "Not Found", 404, "no such artifact", null));
        model.artifact(runId, UUID.randomUUID(), got::add);
        assertThat(model.noticeProperty().get()).isEqualTo(
                Notice.problem("Could not load an artifact: Not found: no such artifact"));
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 100 && !condition.getAsBoolean(); i++) {
            Thread.sleep(20);
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }

    static RunView run(String title, RunStatus status, Instant createdAt) {
        var step = new StepView(UUID.randomUUID(), "a", "noop", "run", null, List.of(), StepStatus.QUEUED, 1, null,
                null, createdAt, 0);
        return new RunView(UUID.randomUUID(), UUID.randomUUID(), null, null, 0, status, title, null, UUID.randomUUID(),
                createdAt, createdAt, 0, List.of(step));
    }

    private static TimelineEntry entry(String type, String summary) {
        return new TimelineEntry(1, NOW, type, null, "a", null, summary, null);
    }

    private static EventView event(long seq, String type, UUID runId) {
        return new EventView(UUID.randomUUID(), seq, UUID.randomUUID(), type, runId, null, null, NOW, null, null, null);
    }

    /** Runs newest first, paged by index as the server pages by cursor. */
    private static final class FakeApi implements RunsApi {
        final List<RunView> runs = new CopyOnWriteArrayList<>();
        final List<TimelineEntry> timeline = new CopyOnWriteArrayList<>(List.of(entry("run.created", "Run created")));
        final List<String> cancelled = new ArrayList<>();
        final AtomicInteger pages = new AtomicInteger();
        final AtomicInteger timelines = new AtomicInteger();
        final AtomicInteger artifacts = new AtomicInteger();
        volatile RunStatus askedStatus;
        volatile Instant askedFrom;
        volatile String askedBefore;
        volatile RuntimeException refusal;
        Consumer<EventView> onEvent;
        Consumer<Throwable> onError;
        Runnable onOpen;

        void add(RunView run) {
            runs.add(run);
            runs.sort(java.util.Comparator.comparing(RunView::createdAt).reversed());
        }

        @Override
        public RunPage runs(RunStatus status, Instant from, int limit, String before) {
            pages.incrementAndGet();
            askedStatus = status;
            askedFrom = from;
            askedBefore = before;
            List<RunView> matching = runs.stream().filter(r -> status == null || r.status() == status)
                    .filter(r -> from == null || !r.createdAt().isBefore(from)).toList();
            int start = before == null ? 0 : Integer.parseInt(before);
            int end = Math.min(matching.size(), start + limit);
            return new RunPage(matching.subList(start, end), end < matching.size() ? Integer.toString(end) : null);
        }

        @Override
        public RunView run(UUID runId) {
            return runs.stream().filter(r -> r.id().equals(runId)).findFirst().orElseThrow();
        }

        @Override
        public Timeline timeline(UUID runId) {
            timelines.incrementAndGet();
            return new Timeline(runId, RunStatus.RUNNING, List.copyOf(timeline));
        }

        @Override
        public RunView cancel(UUID runId, String reason) {
            cancelled.add(runId + ":" + reason);
            if (refusal != null) {
                throw refusal;
            }
            RunView r = run(runId);
            return new RunView(r.id(), r.workspaceId(), null, null, 0, RunStatus.CANCELLED, r.title(), null,
                    r.createdBy(), r.createdAt(), NOW, 1, r.steps());
        }

        @Override
        public byte[] artifact(UUID runId, UUID artifactId) {
            if (refusal != null) {
                throw refusal;
            }
            artifacts.incrementAndGet();
            return new byte[] {1, 2, 3};
        }

        @Override
        public AutoCloseable subscribe(long afterSeq, Consumer<EventView> onEvent, Consumer<Throwable> onError,
                                       Runnable onOpen) {
            this.onEvent = onEvent;
            this.onError = onError;
            this.onOpen = onOpen;
            return () -> {};
        }
    }
}
