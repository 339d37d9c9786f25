package io.octvex.desk.fleet;

import io.octvex.desk.connect.Problems;
import io.octvex.desk.screen.LiveRefresh;
import io.octvex.desk.screen.LiveSync;
import io.octvex.desk.screen.Notice;
import io.octvex.protocol.EdgeState;
import io.octvex.protocol.EdgeView;
import io.octvex.protocol.EventView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The Fleet screen: the edges serving the workspace and, while the screen is shown, a sample every
 * {@code period} of the queue depth and the active leases for the chart (the server keeps no such history).
 *
 * <p>{@code edge.*} and {@code lease.*} events refresh the edges (debounced); every (re)connect does too.
 * Server calls run on {@code io}, timers on {@code timer}; properties change on {@code fx}.
 */
final class FleetModel implements AutoCloseable {
    /** Ten minutes at the default period: the chart's window. */
    static final int MAX_SAMPLES = 120;

    /** One point of the chart. */
    record Sample(Instant at, int queuedSteps, int activeLeases) {}

    private final FleetApi api;
    private final Executor io;
    private final Executor fx;
    private final ScheduledExecutorService timer;
    private final Duration period;
    private final Clock clock;

    private final ObservableList<EdgeView> edges = FXCollections.observableArrayList();
    private final ObservableList<Sample> samples = FXCollections.observableArrayList();
    // one read-only view each: an unmodifiable wrapper holds its source's listener weakly, so a wrapper made per
    // call would drop a view's listener at the next garbage collection
    private final ObservableList<EdgeView> edgesView = FXCollections.unmodifiableObservableList(edges);
    private final ObservableList<Sample> samplesView = FXCollections.unmodifiableObservableList(samples);
    private final ObjectProperty<Notice> notice = new SimpleObjectProperty<>(Notice.NONE);
    private final ObjectProperty<Instant> now;
    private final LiveRefresh live;
    private volatile ScheduledFuture<?> sampling;

    FleetModel(FleetApi api, Executor io, Executor fx, ScheduledExecutorService timer, Duration debounce,
               Duration period, Clock clock) {
        this.api = api;
        this.io = io;
        this.fx = fx;
        this.timer = timer;
        this.period = period;
        this.clock = clock;
        this.now = new SimpleObjectProperty<>(clock.instant());
        this.live = LiveRefresh.trailing(this::loadEdges, io, fx, timer, debounce, notice::set, "what is shown");
    }

    /** The edges, by name. */
    ObservableList<EdgeView> edges() {
        return edgesView;
    }

    /** Samples taken while the screen was shown, oldest first, at most {@link #MAX_SAMPLES}. */
    ObservableList<Sample> samples() {
        return samplesView;
    }

    ReadOnlyObjectProperty<LiveSync> syncProperty() {
        return live.syncProperty();
    }

    ReadOnlyObjectProperty<Notice> noticeProperty() {
        return notice;
    }

    /** The time heartbeat ages are shown against; {@link #tick()} moves it. */
    ReadOnlyObjectProperty<Instant> nowProperty() {
        return now;
    }

    /** Called once a second by the view (FX thread); no I/O. */
    void tick() {
        now.set(clock.instant());
    }

    /** How long ago the edge's last heartbeat arrived, against {@link #nowProperty()}; null before the first. */
    Duration heartbeatAge(EdgeView edge) {
        return edge.lastHeartbeatAt() == null ? null : Duration.between(edge.lastHeartbeatAt(), now.get());
    }

    void start(long afterSeq) {
        refreshNow();
        live.follow(api.subscribe(afterSeq, this::onEvent, live::failed, live::opened));
    }

    private void onEvent(EventView event) {
        String type = event.type() == null ? "" : event.type();
        if (type.startsWith("edge.") || type.startsWith("lease.") || type.equals("step.placed")
                || type.startsWith("fleet.")) {
            refreshSoon();
        }
    }

    void refreshSoon() {
        live.soon();
    }

    void refreshNow() {
        io.execute(this::loadEdges);
    }

    private List<EdgeView> loadEdges() {
        if (live.closed()) {
            return null;
        }
        try {
            List<EdgeView> found = api.edges().stream().sorted(Comparator.comparing(EdgeView::name)).toList();
            fx.execute(() -> {
                if (!edges.equals(found)) { // most samples change nothing: leave the table alone
                    edges.setAll(found);
                }
                now.set(clock.instant());
            });
            return found;
        } catch (RuntimeException e) {
            fx.execute(() -> notice.set(Notice.problem("Could not load the edges: " + Problems.describe(e))));
            return null;
        }
    }

    /** Samples every {@code period} from now on (the screen is shown); the first sample at once. */
    void startSampling() {
        if (!live.closed() && sampling == null) {
            sampling = timer.scheduleAtFixedRate(() -> io.execute(this::sample), 0, period.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** The screen is hidden: no more samples (the chart keeps what it has). */
    void stopSampling() {
        ScheduledFuture<?> s = sampling;
        sampling = null;
        if (s != null) {
            s.cancel(false);
        }
    }

    /** One sample: the edges (refreshing the table too) and the queue. Runs on an I/O thread. */
    void sample() {
        List<EdgeView> found = loadEdges();
        if (found == null) {
            return;
        }
        try {
            int queued = api.queuedSteps();
            int leases = found.stream().mapToInt(EdgeView::activeLeases).sum();
            var point = new Sample(clock.instant(), queued, leases);
            fx.execute(() -> {
                samples.add(point);
                if (samples.size() > MAX_SAMPLES) {
                    samples.remove(0, samples.size() - MAX_SAMPLES);
                }
            });
        } catch (RuntimeException e) {
            fx.execute(() -> notice.set(Notice.problem("Could not count the queue: " + Problems.describe(e))));
        }
    }

    void quarantine(EdgeView edge) {
        change(edge, "Quarantine", e -> api.quarantine(e.id()));
    }

    void drain(EdgeView edge) {
        change(edge, "Drain", e -> api.drain(e.id()));
    }

    /** Back to active: un-quarantines, or stops a drain. */
    void release(EdgeView edge) {
        change(edge, "Release", e -> api.release(e.id()));
    }

    private void change(EdgeView edge, String verb, Function<EdgeView, EdgeView> call) {
        notice.set(Notice.info(verb + ": sending…"));
        io.execute(() -> {
            try {
                EdgeView answer = call.apply(edge);
                fx.execute(() -> notice.set(Notice.info(edge.name() + " is now " + answer.state().wire()
                        + (answer.state() == EdgeState.ACTIVE ? "." : ": it gets no new leases."))));
            } catch (RuntimeException e) {
                fx.execute(() -> notice.set(Notice.problem(verb + " refused: " + Problems.describe(e))));
            }
            refreshSoon();
        });
    }

    @Override
    public void close() {
        live.close();
        stopSampling();
    }
}
