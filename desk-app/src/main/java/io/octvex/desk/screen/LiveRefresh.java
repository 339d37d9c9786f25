package io.octvex.desk.screen;

import io.octvex.desk.connect.Problems;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/**
 * A screen's live event stream and the refresh its events ask for: where the stream stands ({@link LiveSync},
 * for the header), a notice when it drops or comes back, and a debounced refresh.
 *
 * <p>{@link #soon()} refreshes once for a burst of calls within {@code debounce}: at its end ({@link #trailing})
 * or, when a notification should not wait, at once and once more at its end if more came ({@link #leading}).
 * Refreshes run on {@code io} (the timer is shared: its thread never waits on the network); the sync state and
 * notices change on {@code fx}.
 */
public final class LiveRefresh implements AutoCloseable {
    private final Runnable refresh;
    private final boolean leading;
    private final Executor io;
    private final Executor fx;
    private final ScheduledExecutorService timer;
    private final Duration debounce;
    private final Consumer<Notice> notices;
    private final String staleWhat;
    private final ReadOnlyObjectWrapper<LiveSync> sync = new ReadOnlyObjectWrapper<>(LiveSync.CONNECTING);
    /** 0 idle, 1 in a debounce window, 2 in a window with a refresh owed at its end. */
    private final AtomicInteger window = new AtomicInteger();
    private volatile AutoCloseable subscription;
    private volatile boolean closed;

    private LiveRefresh(Runnable refresh, boolean leading, Executor io, Executor fx, ScheduledExecutorService timer,
                        Duration debounce, Consumer<Notice> notices, String staleWhat) {
        this.refresh = refresh;
        this.leading = leading;
        this.io = io;
        this.fx = fx;
        this.timer = timer;
        this.debounce = debounce;
        this.notices = notices;
        this.staleWhat = staleWhat;
    }

    /**
     * Refreshes at the end of each burst. {@code notices} gets "Live updates are down: … Reconnecting;
     * {@code staleWhat} may be stale." and "Live updates are back.", on {@code fx}.
     */
    public static LiveRefresh trailing(Runnable refresh, Executor io, Executor fx, ScheduledExecutorService timer,
                                       Duration debounce, Consumer<Notice> notices, String staleWhat) {
        return new LiveRefresh(refresh, false, io, fx, timer, debounce, notices, staleWhat);
    }

    /** As {@link #trailing}, but the first call of a burst refreshes at once. */
    public static LiveRefresh leading(Runnable refresh, Executor io, Executor fx, ScheduledExecutorService timer,
                                      Duration debounce, Consumer<Notice> notices, String staleWhat) {
        return new LiveRefresh(refresh, true, io, fx, timer, debounce, notices, staleWhat);
    }

    public ReadOnlyObjectProperty<LiveSync> syncProperty() {
        return sync.getReadOnlyProperty();
    }

    public boolean closed() {
        return closed;
    }

    /** Keeps the stream's subscription, to close it with this; closes it at once when this is closed already. */
    public void follow(AutoCloseable stream) {
        subscription = stream;
        if (closed) {
            closeQuietly(stream);
        }
    }

    /** The stream (re)connected: live again, and a refresh for what arrived while it was down. */
    public void opened() {
        fx.execute(() -> {
            if (sync.get() == LiveSync.OFFLINE) {
                notices.accept(Notice.info("Live updates are back."));
            }
            sync.set(LiveSync.LIVE);
        });
        soon();
    }

    /** The stream dropped (it reconnects by itself): offline, said once per failure. */
    public void failed(Throwable failure) {
        if (!closed) {
            fx.execute(() -> {
                sync.set(LiveSync.OFFLINE);
                notices.accept(Notice.problem("Live updates are down: " + Problems.describe(failure)
                        + " Reconnecting; " + staleWhat + " may be stale."));
            });
        }
    }

    /** A refresh for this burst of calls (see the class comment). */
    public void soon() {
        if (leading) {
            soonLeading();
        } else if (!closed && window.compareAndSet(0, 1)) {
            timer.schedule(() -> {
                window.set(0);
                io.execute(refresh);
            }, debounce.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void soonLeading() {
        while (!closed) {
            int state = window.get();
            if (state == 0 && window.compareAndSet(0, 1)) {
                io.execute(refresh);
                closeWindowLater();
                return;
            }
            if (state == 2 || state == 1 && window.compareAndSet(1, 2)) {
                return;
            }
        }
    }

    private void closeWindowLater() {
        timer.schedule(() -> {
            if (window.compareAndSet(1, 0)) {
                return;
            }
            window.set(1); // a refresh was owed: it opens the next window
            io.execute(refresh);
            closeWindowLater();
        }, debounce.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops: no more refreshes or notices, and the stream is closed. */
    @Override
    public void close() {
        closed = true;
        AutoCloseable s = subscription;
        if (s != null) {
            closeQuietly(s);
        }
    }

    private static void closeQuietly(AutoCloseable stream) {
        try {
            stream.close();
        } catch (Exception e) {
            // closing a stream that is already down
        }
    }
}
