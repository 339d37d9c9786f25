package io.octvex.desk;

import io.octvex.desk.approvals.ApprovalItem;
import io.octvex.desk.approvals.ApprovalsScreen;
import io.octvex.desk.cache.DeskCache;
import io.octvex.desk.connect.ConnectModel;
import io.octvex.desk.connect.ConnectView;
import io.octvex.desk.connect.DeskSession;
import io.octvex.desk.connect.SessionMemory;
import io.octvex.desk.edge.BundledEdge;
import io.octvex.desk.notify.DeskNotifications;
import io.octvex.desk.settings.DeskSettings;
import io.octvex.desk.settings.SettingsStore;
import io.octvex.desk.unlock.DeskVault;
import io.octvex.desk.unlock.UnlockPane;
import io.octvex.desk.unlock.WebAuthnCeremonies;
import io.octvex.desk.webauthn.BrowserCeremonies;
import io.octvex.desk.webauthn.CeremonyResult;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.WorkspaceView;
import java.nio.file.Path;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
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
    private static final System.Logger LOG = System.getLogger(DeskShell.class.getName());

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
    /** The Desk's secret store (the kept session, the bundled edge's identity); null without a data directory. */
    private final DeskVault vault;
    private final SessionMemory memory;
    private final BundledEdge bundledEdge;
    private Workbench workbench;
    private DeskSession session;
    private ApprovalsScreen.Inbox inbox;

    public DeskShell(String defaultServerUrl) {
        this(defaultServerUrl, DeskHost.none(), SettingsStore.inUserConfigDir(), DeskSettings.DEFAULTS);
    }

    /** {@code current}: the settings loaded from {@code settings} at start. */
    public DeskShell(String defaultServerUrl, DeskHost host, SettingsStore settings, DeskSettings current) {
        this(defaultServerUrl, host, settings, current,
                host.dataDir() == null ? null : DeskVault.forDesk(host.dataDir(), browserCeremonies(host.dataDir())));
    }

    /** WebAuthn unlock in the system browser; the credential file (public data only) sits next to the store. */
    private static WebAuthnCeremonies browserCeremonies(Path dataDir) {
        var browser = new BrowserCeremonies(dataDir.resolve("webauthn-credential.json"));
        return new WebAuthnCeremonies() {
            @Override
            public Outcome register(Duration timeout) throws Exception {
                CeremonyResult result = browser.register(timeout);
                return new Outcome(result.credentialId(), result.prfSecret());
            }

            @Override
            public Outcome authenticate(Duration timeout) throws Exception {
                CeremonyResult result = browser.authenticate(timeout);
                return new Outcome(result.credentialId(), result.prfSecret());
            }
        };
    }

    /** {@code vault}: where the session is kept between starts (null: nowhere, sign in at every start). */
    public DeskShell(String defaultServerUrl, DeskHost host, SettingsStore settings, DeskSettings current,
                     DeskVault vault) {
        this.vault = vault;
        this.memory = vault == null ? SessionMemory.NONE : new VaultMemory(vault);
        this.defaultServerUrl = defaultServerUrl;
        this.host = host;
        this.settings = settings;
        this.current = new SimpleObjectProperty<>(current);
        this.notifications = CompletableFuture.supplyAsync(() -> DeskNotifications.choose(host.env(),
                new NotificationActions(), () -> this.current.get().notifications()), io);
        this.bundledEdge = BundledEdge.create(host.dataDir(), vault, current.bundledEdge(), this::rememberBundledEdge, io,
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
        var connect = new ConnectModel(defaultServerUrl, OctvexClient::connect, io, Platform::runLater, this::open,
                memory);
        var view = new ConnectView(connect, vault == null ? null
                : new UnlockPane(vault, io, Platform::runLater, () -> {
                    bundledEdge.unlocked();
                    resume(connect);
                }));
        StackPane.setAlignment(view, Pos.TOP_CENTER);
        getChildren().setAll(view);
    }

    /** Once the store is open: signs in with the session kept for this server, if there is one. */
    private void resume(ConnectModel connect) {
        String server = connect.serverUrlProperty().get().strip();
        io.execute(() -> {
            try {
                vault.recallSession(server).ifPresent(kept -> Platform.runLater(
                        () -> connect.resume(kept.user(), kept.workspaceId(), kept.token())));
            } catch (DeskVault.Refused e) {
                LOG.log(System.Logger.Level.WARNING, "No kept session: " + e.getMessage());
            }
        });
    }

    private void open(DeskSession session) {
        closeWorkbench();
        resetTitle();
        this.session = session;
        bundledEdge.signedIn(session);
        workbench = new Workbench(session, DeskScreens.all(new InboxHooks(), settings, current, bundledEdge::view,
                        this::disconnect,
                        () -> vault == null ? null : new io.octvex.desk.unlock.SecuritySection(vault, io, Platform::runLater,
                                bundledEdge::unlocked)),
                io, Platform::runLater, timer, Clock.systemUTC(),
                (WorkspaceView other) -> open(new DeskSession(session.client(), session.user(), other)));
        getChildren().setAll(workbench);
    }

    /** Ends the session here, forgets the kept one (the next start asks again) and shows the connect screen. */
    private void disconnect() {
        if (session != null) {
            String server = session.client().baseUri().toString();
            String user = session.user().name();
            io.execute(() -> memory.forget(server, user));
            session = null;
        }
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

    /** The session kept in the store while it is open; a store that cannot keep it is said in the log only. */
    private record VaultMemory(DeskVault vault) implements SessionMemory {
        @Override
        public void remember(String server, String user, UUID workspaceId, String token) {
            try {
                if (vault.status().unlocked()) {
                    vault.rememberSession(new DeskVault.SavedSession(server, user, workspaceId, token));
                }
            } catch (DeskVault.Refused e) {
                LOG.log(System.Logger.Level.WARNING, "The session is not kept: " + e.getMessage());
            }
        }

        @Override
        public void forget(String server, String user) {
            try {
                if (vault.status().exists() && vault.status().problem() == null) {
                    vault.forgetSession(server, user);
                }
            } catch (DeskVault.Refused e) {
                LOG.log(System.Logger.Level.WARNING, "The kept session is not forgotten: " + e.getMessage());
            }
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
            onInbox(false, in -> in.view().approve(item)); // the view sends a step-up approval to the browser
        }

        @Override
        public void approveWithSecurityKey(ApprovalItem item) {
            onInbox(false, in -> in.view().approve(item));
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
