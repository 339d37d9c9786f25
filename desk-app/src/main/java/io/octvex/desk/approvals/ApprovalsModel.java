package io.octvex.desk.approvals;

import io.octvex.desk.cache.DeskCache;
import io.octvex.desk.connect.Problems;
import io.octvex.desk.screen.LiveRefresh;
import io.octvex.desk.screen.LiveSync;
import io.octvex.protocol.ApprovalStatus;
import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.EventView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The approvals inbox: the workspace's pending approvals, kept in sync with the live event stream.
 *
 * <p>Every {@code approval.*} event refreshes the list: the first at once (a notification should not wait),
 * the rest of a burst within {@code debounce} share one more refresh at its end. So does every (re)connect of
 * the stream, which resumes after the last event seen: approvals that arrived while the Desk was away show up
 * once the stream is back. While the stream is down the list stays as last known and {@link #syncProperty()}
 * says {@link LiveSync#OFFLINE}.
 *
 * <p>{@link #start()} first shows what the {@link DeskCache.Slot} saved (marked by {@link #staleSinceProperty()}
 * until a load succeeds) and resumes the stream at the saved cursor. Each load saves the lists and cursor, and
 * tells the {@link Listener} which approvals it has not seen pending before (notifications): each approval once,
 * also across restarts, since the saved ones count as seen. Without a saved state the first load only
 * seeds what was seen: a backlog the user finds in the list is not announced.
 *
 * <p>Server calls run on {@code io}, debounced refreshes on {@code timer}; every property changes on
 * {@code fx} (the FX thread in the app).
 */
public final class ApprovalsModel implements AutoCloseable {

    /**
     * Told after every load, on the loading thread (loads run one at a time): the pending list, and those of
     * them not seen pending before, to announce (empty on the first load without a saved state).
     */
    public interface Listener {
        void loaded(List<ApprovalItem> pending, List<ApprovalItem> fresh);
    }

    /** A line for the status bar; {@code problem} when it reports a refusal or failure. */
    public record Notice(String text, boolean problem) {
        static final Notice NONE = new Notice("", false);
    }

    private final ApprovalsApi api;
    private final Executor io;
    private final Executor fx;
    private final Clock clock;

    private final ObservableList<ApprovalItem> pending = FXCollections.observableArrayList();
    private final ObservableList<ApprovalItem> decided = FXCollections.observableArrayList();
    // one read-only view each: an unmodifiable wrapper holds its source's listener weakly, so a wrapper made per
    // call would drop a view's listener (the inbox's keep-the-selection) at the next garbage collection
    private final ObservableList<ApprovalItem> pendingView = FXCollections.unmodifiableObservableList(pending);
    private final ObservableList<ApprovalItem> decidedView = FXCollections.unmodifiableObservableList(decided);
    private final ObjectProperty<Notice> notice = new SimpleObjectProperty<>(Notice.NONE);
    private final ObjectProperty<Instant> now;
    private final ObjectProperty<Instant> staleSince = new SimpleObjectProperty<>();
    private final LiveRefresh live;
    private final AtomicLong cursor = new AtomicLong();
    private final DeskCache.Slot slot;
    private final Listener listener;
    /** Every approval ever seen pending (or saved as seen): what has been announced. */
    private final Set<UUID> seen = ConcurrentHashMap.newKeySet();
    private volatile boolean seeded;

    public ApprovalsModel(ApprovalsApi api, Executor io, Executor fx, ScheduledExecutorService timer,
                          Duration debounce, Clock clock) {
        this(api, io, fx, timer, debounce, clock, DeskCache.Slot.none(), (all, fresh) -> {});
    }

    public ApprovalsModel(ApprovalsApi api, Executor io, Executor fx, ScheduledExecutorService timer,
                          Duration debounce, Clock clock, DeskCache.Slot slot, Listener listener) {
        this.api = api;
        this.slot = slot;
        this.listener = listener;
        this.io = io;
        this.fx = fx;
        this.clock = clock;
        this.now = new SimpleObjectProperty<>(clock.instant());
        // the first event of a burst refreshes at once: a notification should not wait
        this.live = LiveRefresh.leading(this::load, io, fx, timer, debounce,
                n -> notice.set(new Notice(n.text(), n.problem())), "the list below");
    }

    /** Pending approvals, soonest to expire first. */
    public ObservableList<ApprovalItem> pending() {
        return pendingView;
    }

    /** Recently decided approvals (approved, denied, expired, cancelled), newest first. */
    public ObservableList<ApprovalItem> decided() {
        return decidedView;
    }

    public ReadOnlyObjectProperty<LiveSync> syncProperty() {
        return live.syncProperty();
    }

    public ReadOnlyObjectProperty<Notice> noticeProperty() {
        return notice;
    }

    /** When the list shown was saved, while it is the saved one not yet confirmed by the server; else null. */
    public ReadOnlyObjectProperty<Instant> staleSinceProperty() {
        return staleSince;
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

    /** Shows the saved state (if any) at once, then follows the stream from its cursor and loads the list. */
    public void start() {
        io.execute(() -> {
            var saved = slot.load();
            saved.ifPresent(s -> {
                s.pending().forEach(a -> seen.add(a.id()));
                seeded = true;
                List<ApprovalItem> items = sorted(s.pending());
                List<ApprovalItem> done = s.decided().stream().map(ApprovalItem::of).toList();
                fx.execute(() -> {
                    pending.setAll(items);
                    decided.setAll(done);
                    staleSince.set(s.savedAt());
                });
            });
            start(saved.map(DeskCache.Snapshot::cursor).orElse(0L));
        });
    }

    /** Starts following the stream from {@code afterSeq} and loads the list. */
    public void start(long afterSeq) {
        cursor.set(afterSeq);
        refreshNow();
        // every (re)connect refreshes: what arrived while the stream was down; a close() while start() was
        // still reading the saved state closes the stream at once
        live.follow(api.subscribe(afterSeq, this::onEvent, live::failed, live::opened));
    }

    private void onEvent(EventView event) {
        cursor.set(event.seq());
        if (event.type() != null && event.type().startsWith("approval.")) {
            refreshSoon();
        }
    }

    /** Refreshes at once if none ran within the debounce, else once at the end of that window. */
    public void refreshSoon() {
        live.soon();
    }

    /** Refreshes at once (off the FX thread). */
    public void refreshNow() {
        io.execute(this::load);
    }

    /** Loads serially: each load's view of what was seen and saved follows the one before. */
    private synchronized void load() {
        if (live.closed()) {
            return;
        }
        long upTo = cursor.get(); // the lists loaded now include at least the events up to here
        try {
            List<ApprovalView> open = api.approvals(ApprovalStatus.PENDING);
            List<ApprovalItem> items = sorted(open);
            List<ApprovalItem> fresh = items.stream().filter(i -> seen.add(i.id())).toList();
            boolean announce = seeded;
            seeded = true;
            fx.execute(() -> {
                pending.setAll(items);
                staleSince.set(null);
                now.set(clock.instant());
            });
            // announced before the decided list is fetched: that one grows with the workspace's history
            listener.loaded(items, announce ? fresh : List.of());
            List<ApprovalView> settled = api.approvals(null).stream()
                    .filter(a -> a.status() != ApprovalStatus.PENDING).limit(50).toList();
            List<ApprovalItem> done = settled.stream().map(ApprovalItem::of).toList();
            fx.execute(() -> decided.setAll(done));
            slot.save(new DeskCache.Snapshot(upTo, clock.instant(), open, settled));
        } catch (RuntimeException e) {
            fx.execute(() -> notice.set(new Notice("Could not load approvals: " + Problems.describe(e), true)));
        }
    }

    private static List<ApprovalItem> sorted(List<ApprovalView> open) {
        return open.stream().map(ApprovalItem::of)
                .sorted(Comparator.comparing(ApprovalItem::expiresAt, Comparator.nullsLast(Comparator.naturalOrder())))
                .toList();
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
        live.close();
    }
}
