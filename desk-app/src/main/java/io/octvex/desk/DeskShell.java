package io.octvex.desk;

import io.octvex.desk.approvals.ApprovalItem;
import io.octvex.desk.approvals.ApprovalsApi;
import io.octvex.desk.approvals.ApprovalsModel;
import io.octvex.desk.approvals.ApprovalsView;
import io.octvex.desk.cache.DeskCache;
import io.octvex.desk.connect.ConnectModel;
import io.octvex.desk.connect.ConnectView;
import io.octvex.desk.connect.DeskSession;
import io.octvex.desk.notify.DeskNotifications;
import io.octvex.protocol.OctvexClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Pos;
import javafx.scene.layout.StackPane;

/**
 * The Desk's window content: the connect screen, then the approvals inbox of the chosen workspace, with OS
 * notifications and the tray count. Owns the background threads (virtual threads for calls, one timer for
 * debounced refreshes); {@link #close()} ends them, the live stream and the notifications.
 */
public final class DeskShell extends StackPane implements AutoCloseable {
    static final String TITLE = "Octvex Desk";

    private final ExecutorService io = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "octvex-desk-timer");
        t.setDaemon(true);
        return t;
    });
    private final DeskHost host;
    private final AtomicBoolean notificationsOn = new AtomicBoolean(true);
    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(TITLE);
    /** Chosen off the FX thread (it asks the session bus); every use waits for it there too. */
    private final CompletableFuture<DeskNotifications> notifications;
    private ApprovalsModel approvals;
    private ApprovalsView view;

    public DeskShell(String defaultServerUrl) {
        this(defaultServerUrl, DeskHost.none());
    }

    public DeskShell(String defaultServerUrl, DeskHost host) {
        this.host = host;
        this.notifications = CompletableFuture.supplyAsync(() -> DeskNotifications.choose(host.env(),
                new NotificationActions(), notificationsOn::get), io);
        var connect = new ConnectModel(defaultServerUrl, OctvexClient::connect, io, Platform::runLater, this::open);
        var connectView = new ConnectView(connect);
        StackPane.setAlignment(connectView, Pos.TOP_CENTER);
        getChildren().setAll(connectView);
    }

    /** The window title: with the pending count in it when no tray icon shows the count. */
    public ReadOnlyStringProperty titleProperty() {
        return title.getReadOnlyProperty();
    }

    /** The user's notifications on/off setting (on by default); any thread. */
    public void setNotificationsEnabled(boolean on) {
        notificationsOn.set(on);
    }

    /** How this Desk notifies ("D-Bus … with … actions", "AWT tray …", "none"), once chosen. */
    public CompletableFuture<String> notificationBackend() {
        return notifications.thenApply(DeskNotifications::describe);
    }

    private void open(DeskSession session) {
        DeskCache.Slot slot = host.dataDir() == null ? DeskCache.Slot.none()
                : new DeskCache(host.dataDir()).slot(session.client().baseUri(), session.workspace().id());
        approvals = new ApprovalsModel(ApprovalsApi.of(session.client(), session.workspace().id()), io,
                Platform::runLater, timer, Duration.ofMillis(150), Clock.systemUTC(), slot,
                (pending, fresh) -> notifications.join().loaded(pending, fresh));
        String who = session.user().name() + " in " + session.workspace().name();
        view = new ApprovalsView(approvals, who);
        getChildren().setAll(view);
        notifications.thenAccept(n -> {
            if (!n.trayShowsCount()) {
                Platform.runLater(() -> title.bind(Bindings.size(approvals.pending())
                        .map(count -> count.intValue() == 0 ? TITLE : "(" + count + ") " + TITLE)));
            }
        });
        approvals.start();
    }

    /** What a notification's actions do: always on the FX thread, where the model and the view live. */
    private final class NotificationActions implements DeskNotifications.Actions {
        @Override
        public void open(ApprovalItem item) {
            Platform.runLater(() -> {
                host.raise().run();
                if (view != null && item != null) {
                    view.reveal(item.id());
                }
            });
        }

        @Override
        public void approve(ApprovalItem item) {
            Platform.runLater(() -> {
                if (approvals != null) {
                    approvals.approve(item);
                }
            });
        }

        @Override
        public void deny(ApprovalItem item) {
            Platform.runLater(() -> {
                host.raise().run();
                if (view != null) {
                    view.reveal(item.id());
                    view.askDeny(item);
                }
            });
        }
    }

    @Override
    public void close() {
        if (approvals != null) {
            approvals.close();
        }
        notifications.thenAccept(DeskNotifications::close);
        timer.shutdownNow();
        io.shutdownNow();
    }
}
