package io.octvex.desk.approvals;

import io.octvex.desk.connect.Problems;
import io.octvex.protocol.ApprovalStatus;
import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.EventView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The approvals inbox: the workspace's pending approvals, kept in sync with the live event stream.
 *
 * <p>Every {@code approval.*} event schedules one refresh of the list (events arriving within
 * {@code debounce} of each other share it), and so does every (re)connect of the stream, which resumes after
 * the last event seen: approvals that arrived while the Desk was away show up once the stream is back. While
 * the stream is down the list stays as last known and {@link #syncProperty()} says {@link Sync#OFFLINE}.
 *
 * <p>Server calls run on {@code io}, debounced refreshes on {@code timer}; every property changes on
 * {@code fx} (the FX thread in the app).
 */
public final class ApprovalsModel implements AutoCloseable {

    /** Where the live stream stands. */
    public enum Sync { CONNECTING, LIVE, OFFLINE }

    /** A line for the status bar; {@code problem} when it reports a refusal or failure. */
    public record Notice(String text, boolean problem) {
        static final Notice NONE = new Notice("", false);
    }

    private final ApprovalsApi api;
    private final Executor io;
    private final Executor fx;
    private final ScheduledExecutorService timer;
    private final Duration debounce;
    private final Clock clock;

    private final ObservableList<ApprovalItem> pending = FXCollections.observableArrayList();
    private final ObservableList<ApprovalItem> decided = FXCollections.observableArrayList();
    // one read-only view each: an unmodifiable wrapper holds its source's listener weakly, so a wrapper made per
    // call would drop a view's listener (the inbox's keep-the-selection) at the next garbage collection
    private final ObservableList<ApprovalItem> pendingView = FXCollections.unmodifiableObservableList(pending);
    private final ObservableList<ApprovalItem> decidedView = FXCollections.unmodifiableObservableList(decided);
    private final ObjectProperty<Sync> sync = new SimpleObjectProperty<>(Sync.CONNECTING);
    private final ObjectProperty<Notice> notice = new SimpleObjectProperty<>(Notice.NONE);
    private final ObjectProperty<Instant> now;
    private final AtomicBoolean refreshQueued = new AtomicBoolean();
    private final AtomicLong cursor = new AtomicLong();
    private volatile AutoCloseable subscription;
    private volatile boolean closed;

    public ApprovalsModel(ApprovalsApi api, Executor io, Executor fx, ScheduledExecutorService timer,
                          Duration debounce, Clock clock) {
        this.api = api;
        this.io = io;
        this.fx = fx;
        this.timer = timer;
        this.debounce = debounce;
        this.clock = clock;
        this.now = new SimpleObjectProperty<>(clock.instant());
    }

    /** Pending approvals, soonest to expire first. */
    public ObservableList<ApprovalItem> pending() {
        return pendingView;
    }

    /** Recently decided approvals (approved, denied, expired, cancelled), newest first. */
    public ObservableList<ApprovalItem> decided() {
        return decidedView;
    }

    public ReadOnlyObjectProperty<Sync> syncProperty() {
        return sync;
    }

    public ReadOnlyObjectProperty<Notice> noticeProperty() {
        return notice;
    }

    /** The time the countdowns are shown against; {@link #tick()} moves it. */
    public ReadOnlyObjectProperty<Instant> nowProperty() {
        return now;
    }

    /** The sequence number of the last event seen: where the stream resumes. */
    public long cursor() {
        return cursor.get();
    }

    /** Called once a second by the view (FX thread) to move the countdowns; no I/O. */
    public void tick() {
        now.set(clock.instant());
    }

    /** Starts following the stream from {@code afterSeq} and loads the list. */
    public void start(long afterSeq) {
        cursor.set(afterSeq);
        refreshNow();
        subscription = api.subscribe(afterSeq, this::onEvent, this::onStreamError,
                () -> {
                    fx.execute(() -> {
                        if (sync.get() == Sync.OFFLINE) {
                            notice.set(new Notice("Live updates are back.", false));
                        }
                        sync.set(Sync.LIVE);
                    });
                    refreshSoon(); // what arrived while the stream was down
                });
    }

    private void onEvent(EventView event) {
        cursor.set(event.seq());
        if (event.type() != null && event.type().startsWith("approval.")) {
            refreshSoon();
        }
    }

    private void onStreamError(Throwable failure) {
        if (!closed) {
            fx.execute(() -> {
                sync.set(Sync.OFFLINE);
                notice.set(new Notice("Live updates are down: " + Problems.describe(failure)
                        + " Reconnecting; the list below may be stale.", true));
            });
        }
    }

    /** Refreshes after {@code debounce}, once for every burst of calls. */
    public void refreshSoon() {
        if (closed || !refreshQueued.compareAndSet(false, true)) {
            return;
        }
        timer.schedule(() -> {
            refreshQueued.set(false);
            load();
        }, debounce.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Refreshes at once (off the FX thread). */
    public void refreshNow() {
        io.execute(this::load);
    }

    private void load() {
        if (closed) {
            return;
        }
        try {
            List<ApprovalView> open = api.approvals(ApprovalStatus.PENDING);
            List<ApprovalView> all = api.approvals(null);
            List<ApprovalItem> items = open.stream().map(ApprovalItem::of)
                    .sorted(java.util.Comparator.comparing(ApprovalItem::expiresAt,
                            java.util.Comparator.nullsLast(java.util.Comparator.naturalOrder())))
                    .toList();
            List<ApprovalItem> done = all.stream().filter(a -> a.status() != ApprovalStatus.PENDING)
                    .limit(50).map(ApprovalItem::of).toList();
            fx.execute(() -> {
                pending.setAll(items);
                decided.setAll(done);
                now.set(clock.instant());
            });
        } catch (RuntimeException e) {
            fx.execute(() -> notice.set(new Notice("Could not load approvals: " + Problems.describe(e), true)));
        }
    }

    /** Approves {@code item} (one vote); the outcome or the server's refusal becomes the notice. */
    public void approve(ApprovalItem item) {
        decide(item, () -> api.approve(item.id()), "Approve");
    }

    /** Denies {@code item}; a reason is required. */
    public void deny(ApprovalItem item, String reason) {
        if (reason == null || reason.isBlank()) {
            notice.set(new Notice("A denial needs a reason.", true));
            return;
        }
        decide(item, () -> api.deny(item.id(), reason.strip()), "Deny");
    }

    private void decide(ApprovalItem item, java.util.function.Supplier<ApprovalView> call, String verb) {
        notice.set(new Notice(verb + ": sending…", false));
        io.execute(() -> {
            try {
                ApprovalView answer = call.get();
                fx.execute(() -> notice.set(new Notice(outcome(item, answer), false)));
            } catch (RuntimeException e) {
                fx.execute(() -> notice.set(new Notice(verb + " refused: " + Problems.describe(e), true)));
            }
            refreshSoon();
        });
    }

    private static String outcome(ApprovalItem item, ApprovalView answer) {
        return switch (answer.status()) {
            case PENDING -> "Your vote is in (" + answer.approvals() + "/" + answer.quorum() + "): " + item.what();
            case APPROVED -> "Approved: " + item.what();
            case DENIED -> "Denied: " + item.what();
            case EXPIRED -> "Expired before it was decided: " + item.what();
            case CANCELLED -> "Cancelled (its run no longer waits): " + item.what();
        };
    }

    @Override
    public void close() {
        closed = true;
        AutoCloseable s = subscription;
        if (s != null) {
            try {
                s.close();
            } catch (Exception e) {
                // closing a stream that is already down
            }
        }
    }
}
