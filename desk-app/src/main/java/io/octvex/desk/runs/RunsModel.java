package io.octvex.desk.runs;

import io.octvex.desk.connect.Problems;
import io.octvex.desk.screen.LiveRefresh;
import io.octvex.desk.screen.LiveSync;
import io.octvex.desk.screen.Notice;
import io.octvex.protocol.EventView;
import io.octvex.protocol.RunPage;
import io.octvex.protocol.RunStatus;
import io.octvex.protocol.RunView;
import io.octvex.protocol.Timeline;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The Runs screen: the workspace's runs filtered by status and age (both on the server), a page at a time
 * with "Load more", and the run that is open with its timeline, both kept in sync with the live event stream.
 *
 * <p>Every run, step, policy, approval, credential or lease event schedules one refresh of the list (a burst
 * within {@code debounce} shares it); an event of the open run also refreshes its detail, so its timeline and
 * graph follow the run while it goes. Every (re)connect refreshes both. Server calls run on {@code io},
 * debounced refreshes on {@code timer}; properties change on {@code fx}.
 */
final class RunsModel implements AutoCloseable {
    /** Runs per page (the API's most); {@code octvex.desk.runs.page} sets another, as tests do. */
    static final int PAGE = 100;

    /** How far back the list goes: the server filters by creation time. */
    enum Since {
        LAST_HOUR("Last hour", Duration.ofHours(1)), LAST_DAY("Last 24 hours", Duration.ofDays(1)),
        LAST_WEEK("Last 7 days", Duration.ofDays(7)), ALL("Any time", null);

        final String label;
        final Duration span;

        Since(String label, Duration span) {
            this.label = label;
            this.span = span;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** The open run: the run with its steps and its timeline, fetched together. */
    record Detail(RunView run, Timeline timeline) {}

    private final RunsApi api;
    private final Executor io;
    private final Executor fx;
    private final Clock clock;
    private final int pageSize;

    private final ObservableList<RunView> runs = FXCollections.observableArrayList();
    // one read-only view: an unmodifiable wrapper holds its source's listener weakly, so a wrapper made per call
    // would drop the view's listener at the next garbage collection
    private final ObservableList<RunView> runsView = FXCollections.unmodifiableObservableList(runs);
    private final ObjectProperty<RunStatus> status = new SimpleObjectProperty<>();
    private final ObjectProperty<Since> since = new SimpleObjectProperty<>(Since.LAST_DAY);
    private final ObjectProperty<Detail> detail = new SimpleObjectProperty<>();
    private final ObjectProperty<Notice> notice = new SimpleObjectProperty<>(Notice.NONE);
    private final ReadOnlyBooleanWrapper more = new ReadOnlyBooleanWrapper();
    /** Pages the list shows: a refresh reloads as many, so "Load more" survives live updates. */
    private final AtomicInteger pagesShown = new AtomicInteger(1);
    // the list's last load: its filters and where the next page starts (null: no more); guarded by this
    private Listing shown;
    private final LiveRefresh live;
    /** The open run's refresh: debounced like the list's, no stream of its own. */
    private final LiveRefresh detailRefresh;
    private final AtomicLong cursor = new AtomicLong();
    private final Map<UUID, byte[]> artifacts = new ConcurrentHashMap<>();
    private volatile UUID openRun;

    /** The filters a list was loaded with, and the cursor of its next page. */
    private record Listing(RunStatus status, Since since, Instant from, String nextBefore) {}

    RunsModel(RunsApi api, Executor io, Executor fx, ScheduledExecutorService timer, Duration debounce, Clock clock) {
        this(api, io, fx, timer, debounce, clock, PAGE);
    }

    RunsModel(RunsApi api, Executor io, Executor fx, ScheduledExecutorService timer, Duration debounce, Clock clock,
              int pageSize) {
        this.api = api;
        this.io = io;
        this.fx = fx;
        this.clock = clock;
        this.pageSize = pageSize;
        this.live = LiveRefresh.trailing(this::loadList, io, fx, timer, debounce, notice::set, "what is shown");
        this.detailRefresh = LiveRefresh.trailing(() -> loadDetail(openRun), io, fx, timer, debounce, notice::set,
                "what is shown");
        status.addListener((obs, old, now) -> filtersChanged());
        since.addListener((obs, old, now) -> filtersChanged());
    }

    private void filtersChanged() {
        pagesShown.set(1);
        refreshNow();
    }

    /** The runs that pass the filters, newest first. */
    ObservableList<RunView> runs() {
        return runsView;
    }

    /** The status filter; null for any. */
    ObjectProperty<RunStatus> statusProperty() {
        return status;
    }

    ObjectProperty<Since> sinceProperty() {
        return since;
    }

    /** Whether older runs pass the filters than those listed. */
    ReadOnlyBooleanProperty moreProperty() {
        return more.getReadOnlyProperty();
    }

    /** The open run, or null. */
    ReadOnlyObjectProperty<Detail> detailProperty() {
        return detail;
    }

    ReadOnlyObjectProperty<LiveSync> syncProperty() {
        return live.syncProperty();
    }

    ReadOnlyObjectProperty<Notice> noticeProperty() {
        return notice;
    }

    long cursor() {
        return cursor.get();
    }

    /** Starts following the stream from {@code afterSeq} and loads the list. */
    void start(long afterSeq) {
        cursor.set(afterSeq);
        refreshNow();
        live.follow(api.subscribe(afterSeq, this::onEvent, live::failed, () -> {
            live.opened();
            detailSoon();
        }));
    }

    private void onEvent(EventView event) {
        cursor.set(event.seq());
        String type = event.type() == null ? "" : event.type();
        if (type.startsWith("run.") || type.startsWith("step.") || type.startsWith("approval.")
                || type.startsWith("policy.") || type.startsWith("credential.") || type.startsWith("lease.")
                || type.startsWith("secret.")) {
            refreshSoon();
            if (event.runId() != null && event.runId().equals(openRun)) {
                detailSoon();
            }
        }
    }

    /** Refreshes the list after the debounce, once for every burst of calls. */
    void refreshSoon() {
        live.soon();
    }

    void refreshNow() {
        io.execute(this::loadList);
    }

    private void detailSoon() {
        if (openRun != null) {
            detailRefresh.soon();
        }
    }

    /** Loads as many pages as the list shows; loads run one at a time, so their answers land in order. */
    private synchronized void loadList() {
        if (live.closed()) {
            return;
        }
        RunStatus wanted = status.get();
        Since window = since.get();
        Instant from = window.span == null ? null : clock.instant().minus(window.span);
        try {
            List<RunView> found = new ArrayList<>();
            String before = null;
            for (int page = 0, pages = pagesShown.get(); page < pages; page++) {
                RunPage p = api.runs(wanted, from, pageSize, before);
                found.addAll(p.runs());
                before = p.nextBefore();
                if (before == null) {
                    break;
                }
            }
            Listing listing = new Listing(wanted, window, from, before);
            shown = listing;
            fx.execute(() -> {
                // a filter changed while this page was loading: its own load brings the right list
                if (wanted == status.get() && window == since.get()) {
                    runs.setAll(found);
                    more.set(listing.nextBefore() != null);
                }
            });
        } catch (RuntimeException e) {
            fx.execute(() -> notice.set(Notice.problem("Could not load runs: " + Problems.describe(e))));
        }
    }

    /** Appends the next page of older runs ("Load more"). */
    void loadMore() {
        io.execute(this::loadNextPage);
    }

    private synchronized void loadNextPage() {
        Listing last = shown;
        if (live.closed() || last == null || last.nextBefore() == null) {
            return;
        }
        try {
            RunPage p = api.runs(last.status(), last.from(), pageSize, last.nextBefore());
            Listing listing = new Listing(last.status(), last.since(), last.from(), p.nextBefore());
            shown = listing;
            pagesShown.incrementAndGet();
            fx.execute(() -> {
                if (last.status() == status.get() && last.since() == since.get()) {
                    runs.addAll(p.runs());
                    more.set(listing.nextBefore() != null);
                }
            });
        } catch (RuntimeException e) {
            fx.execute(() -> notice.set(Notice.problem("Could not load more runs: " + Problems.describe(e))));
        }
    }

    /** Opens {@code runId}: loads it with its timeline, and follows it live until another is opened. */
    void open(UUID runId) {
        openRun = runId;
        io.execute(() -> loadDetail(runId));
    }

    /** Back to the list only. */
    void closeRun() {
        openRun = null;
        detail.set(null);
    }

    private void loadDetail(UUID runId) {
        if (live.closed() || runId == null) {
            return;
        }
        try {
            RunView run = api.run(runId);
            Timeline timeline = api.timeline(runId);
            fx.execute(() -> {
                if (runId.equals(openRun)) {
                    detail.set(new Detail(run, timeline));
                }
            });
        } catch (RuntimeException e) {
            fx.execute(() -> notice.set(Notice.problem("Could not load the run: " + Problems.describe(e))));
        }
    }

    /** Cancels {@code run} (the view asked for confirmation); the server's answer becomes the notice. */
    void cancel(RunView run, String reason) {
        if (run.status().terminal()) {
            notice.set(Notice.problem("The run is already " + run.status().wire() + "."));
            return;
        }
        notice.set(Notice.info("Cancel: sending…"));
        String why = reason == null || reason.isBlank() ? null : reason.strip();
        io.execute(() -> {
            try {
                RunView answer = api.cancel(run.id(), why);
                fx.execute(() -> notice.set(Notice.info("Run " + answer.status().wire() + ": " + run.title())));
            } catch (RuntimeException e) {
                fx.execute(() -> notice.set(Notice.problem("Cancel refused: " + Problems.describe(e))));
            }
            refreshSoon();
            if (run.id().equals(openRun)) {
                loadDetail(run.id());
            }
        });
    }

    /**
     * An artifact's bytes, handed to {@code onLoaded} on the FX thread; fetched once (artifacts never change)
     * and kept while the screen is open. A failure becomes the notice.
     */
    void artifact(UUID runId, UUID artifactId, Consumer<byte[]> onLoaded) {
        byte[] known = artifacts.get(artifactId);
        if (known != null) {
            onLoaded.accept(known);
            return;
        }
        io.execute(() -> {
            try {
                byte[] bytes = api.artifact(runId, artifactId);
                artifacts.put(artifactId, bytes);
                fx.execute(() -> onLoaded.accept(bytes));
            } catch (RuntimeException e) {
                fx.execute(() -> notice.set(Notice.problem("Could not load an artifact: " + Problems.describe(e))));
            }
        });
    }

    @Override
    public void close() {
        live.close();
        detailRefresh.close();
    }
}
