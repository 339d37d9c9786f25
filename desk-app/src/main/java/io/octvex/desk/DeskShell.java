package io.octvex.desk;

import io.octvex.desk.approvals.ApprovalItem;
import io.octvex.desk.approvals.ApprovalsScreen;
import io.octvex.desk.cache.DeskCache;
import io.octvex.desk.connect.ConnectModel;
import io.octvex.desk.connect.ConnectView;
import io.octvex.desk.connect.DeskSession;
import io.octvex.desk.edge.BundledEdge;
import io.octvex.desk.notify.DeskNotifications;
import io.octvex.desk.settings.DeskSettings;
import io.octvex.desk.settings.SettingsStore;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.WorkspaceView;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Pos;
import javafx.scene.layout.StackPane;

/**
 * The Desk's window content: the connect screen, then the {@link Workbench} (sidebar and screens) of the chosen
 * workspace, rebuilt on a workspace switch, with OS notifications of new approvals and the pending count in the
 * tray (or the title). Owns the background threads (virtual threads for calls, one timer for debounced and
 * periodic work) and the settings in force; {@link #close()} ends the threads, every screen's live stream and
 * the notifications.
 */
public final class DeskShell extends StackPane implements AutoCloseable {
    static final String TITLE = "Octvex Desk";

    private final ExecutorService io = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "octvex-desk-timer");
        t.setDaemon(true);
        return t;
    });
    private final String defaultServerUrl;
    private final DeskHost host;
    private final SettingsStore settings;
    private final ObjectProperty<DeskSettings> current;
    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(TITLE);
    /** Chosen off the FX thread (it asks the session bus); every use waits for it there too. */
    private final CompletableFuture<DeskNotifications> notifications;
    private final BundledEdge bundledEdge;
    private Workbench workbench;
    private ApprovalsScreen.Inbox inbox;

    public DeskShell(String defaultServerUrl) {
        this(defaultServerUrl, DeskHost.none(), SettingsStore.inUserConfigDir(), DeskSettings.DEFAULTS);
    }

    /** {@code current}: the settings loaded from {@code settings} at start. */
    public DeskShell(String defaultServerUrl, DeskHost host, SettingsStore settings, DeskSettings current) {
        this.defaultServerUrl = defaultServerUrl;
        this.host = host;
        this.settings = settings;
        this.current = new SimpleObjectProperty<>(current);
        this.notifications = CompletableFuture.supplyAsync(() -> DeskNotifications.choose(host.env(),
                new NotificationActions(), () -> this.current.get().notifications()), io);
        this.bundledEdge = BundledEdge.create(host.dataDir(), current.bundledEdge(), this::rememberBundledEdge, io,
                Platform::runLater, timer, Clock.systemUTC());
        showConnect();
        bundledEdge.started();
    }

    /** Saves the bundled edge's switch with the other settings, off the FX thread. */
    private void rememberBundledEdge(boolean on) {
        DeskSettings next = current.get().withBundledEdge(on);
        current.set(next);
        io.execute(() -> {
            try {
                settings.save(next);
            } catch (IOException e) {
                System.err.println("octvex-desk: cannot save " + settings.file() + " (" + e.getClass().getSimpleName()
                        + "); the bundled edge's switch applies until the Desk closes");
            }
        });
    }

    /** The Desk's settings as in force now (notifications read their on/off flag here). */
    public ReadOnlyObjectProperty<DeskSettings> settingsProperty() {
        return current;
    }

    /** The window title: with the pending count in it when no tray icon shows the count. */
    public ReadOnlyStringProperty titleProperty() {
        return title.getReadOnlyProperty();
    }

    /** How this Desk notifies ("D-Bus … with … actions", "AWT tray …", "none"), once chosen. */
    public CompletableFuture<String> notificationBackend() {
        return notifications.thenApply(DeskNotifications::describe);
    }

    /** Opens the screen with {@code id} (e.g. "runs"); nothing before sign-in. */
    public void select(String id) {
        if (workbench != null) {
            workbench.select(id);
        }
    }

    private void showConnect() {
        var connect = new ConnectModel(defaultServerUrl, OctvexClient::connect, io, Platform::runLater, this::open);
        var view = new ConnectView(connect);
        StackPane.setAlignment(view, Pos.TOP_CENTER);
        getChildren().setAll(view);
    }

    private void open(DeskSession session) {
        closeWorkbench();
        resetTitle();
        bundledEdge.signedIn(session);
        workbench = new Workbench(session, DeskScreens.all(new InboxHooks(), settings, current, bundledEdge::view,
                this::disconnect),
                io, Platform::runLater, timer, Clock.systemUTC(),
                (WorkspaceView other) -> open(new DeskSession(session.client(), session.user(), other)));
        getChildren().setAll(workbench);
    }

    /** Ends the session here (the token is only in memory) and shows the connect screen again. */
    private void disconnect() {
        closeWorkbench();
        resetTitle();
        showConnect();
    }

    private void closeWorkbench() {
        if (workbench != null) {
            workbench.close();
            workbench = null;
        }
        inbox = null;
    }

    /** On the FX thread: the title follows the next inbox, if it shows the count at all. */
    private void resetTitle() {
        title.unbind();
        title.set(TITLE);
    }

    /** The inbox's saved state per server and workspace, its new approvals to the notifications. */
    private final class InboxHooks implements ApprovalsScreen.Hooks {
        @Override
        public DeskCache.Slot slot(DeskSession session) {
            return host.dataDir() == null ? DeskCache.Slot.none()
                    : new DeskCache(host.dataDir()).slot(session.client().baseUri(), session.workspace().id());
        }

        @Override
        public void loaded(List<ApprovalItem> pending, List<ApprovalItem> fresh) {
            notifications.join().loaded(pending, fresh);
        }

        @Override
        public void opened(ApprovalsScreen.Inbox opened) {
            inbox = opened;
            notifications.thenAccept(n -> {
                if (!n.trayShowsCount()) {
                    Platform.runLater(() -> {
                        if (inbox == opened) {
                            title.bind(Bindings.size(opened.model().pending())
                                    .map(count -> count.intValue() == 0 ? TITLE : "(" + count + ") " + TITLE));
                        }
                    });
                }
            });
        }
    }

    /** What a notification's actions do: always on the FX thread, where the model and the view live. */
    private final class NotificationActions implements DeskNotifications.Actions {
        @Override
        public void open(ApprovalItem item) {
            onInbox(true, in -> {
                host.raise().run();
                if (item != null) {
                    in.view().reveal(item.id());
                }
            });
        }

        @Override
        public void approve(ApprovalItem item) {
            onInbox(false, in -> in.model().approve(item));
        }

        @Override
        public void deny(ApprovalItem item) {
            onInbox(true, in -> {
                host.raise().run();
                in.view().reveal(item.id());
                in.view().askDeny(item);
            });
        }

        private void onInbox(boolean show, Consumer<ApprovalsScreen.Inbox> action) {
            Platform.runLater(() -> {
                if (inbox != null) {
                    if (show) {
                        select("approvals");
                    }
                    action.accept(inbox);
                }
            });
        }
    }

    @Override
    public void close() {
        closeWorkbench();
        bundledEdge.close();
        notifications.thenAccept(DeskNotifications::close);
        timer.shutdownNow();
        io.shutdownNow();
    }
}
