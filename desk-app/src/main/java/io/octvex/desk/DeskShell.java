package io.octvex.desk;

import io.octvex.desk.approvals.ApprovalsApi;
import io.octvex.desk.approvals.ApprovalsModel;
import io.octvex.desk.approvals.ApprovalsView;
import io.octvex.desk.audit.AuditScreen;
import io.octvex.desk.connect.ConnectModel;
import io.octvex.desk.connect.ConnectView;
import io.octvex.desk.connect.DeskSession;
import io.octvex.desk.policy.PolicyScreen;
import io.octvex.desk.settings.DeskSettings;
import io.octvex.desk.settings.SettingsScreen;
import io.octvex.desk.settings.SettingsStore;
import io.octvex.desk.workspaces.WorkspacesScreen;
import io.octvex.protocol.OctvexClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javafx.application.Platform;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.StackPane;

/**
 * The Desk's window content: the connect screen, then the screens of the chosen workspace (the approvals
 * inbox first). Owns the background threads (virtual threads for calls, one timer for debounced refreshes);
 * {@link #close()} ends them and the live stream.
 */
public final class DeskShell extends StackPane implements AutoCloseable {
    private final ExecutorService io = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "octvex-desk-timer");
        t.setDaemon(true);
        return t;
    });
    private final String defaultServerUrl;
    private final SettingsStore settings;
    private final ObjectProperty<DeskSettings> current;
    private ApprovalsModel approvals;

    public DeskShell(String defaultServerUrl) {
        this(defaultServerUrl, SettingsStore.inUserConfigDir(), DeskSettings.DEFAULTS);
    }

    /** {@code current}: the settings loaded from {@code settings} at start. */
    public DeskShell(String defaultServerUrl, SettingsStore settings, DeskSettings current) {
        this.defaultServerUrl = defaultServerUrl;
        this.settings = settings;
        this.current = new SimpleObjectProperty<>(current);
        showConnect();
    }

    /** The Desk's settings as in force now (the notifications code reads its flag here). */
    public ReadOnlyObjectProperty<DeskSettings> settingsProperty() {
        return current;
    }

    private void showConnect() {
        var connect = new ConnectModel(defaultServerUrl, OctvexClient::connect, io, Platform::runLater, this::open);
        var view = new ConnectView(connect);
        StackPane.setAlignment(view, Pos.TOP_CENTER);
        getChildren().setAll(view);
    }

    // The sidebar (branch deskruns) replaces these tabs at merge; each screen is one self-contained Node.
    private void open(DeskSession session) {
        approvals = new ApprovalsModel(ApprovalsApi.of(session.client(), session.workspace().id()), io,
                Platform::runLater, timer, Duration.ofMillis(150), Clock.systemUTC());
        String who = session.user().name() + " in " + session.workspace().name();
        var tabs = new TabPane(
                tab("Approvals", new ApprovalsView(approvals, who)),
                tab("Audit", AuditScreen.create(session, io, Platform::runLater)),
                tab("Policy", PolicyScreen.create(session, io, Platform::runLater)),
                tab("Workspaces", WorkspacesScreen.create(session, io, Platform::runLater)),
                tab("Settings", SettingsScreen.create(session, settings, current, io, Platform::runLater,
                        this::disconnect)));
        tabs.setId("screens");
        getChildren().setAll(tabs);
        approvals.start(0);
    }

    /** Ends the session here (the token is only in memory) and shows the connect screen again. */
    private void disconnect() {
        if (approvals != null) {
            approvals.close();
            approvals = null;
        }
        showConnect();
    }

    private static Tab tab(String name, Node content) {
        var tab = new Tab(name, content);
        tab.setClosable(false);
        tab.setId("tab-" + name.toLowerCase(java.util.Locale.ROOT));
        return tab;
    }

    @Override
    public void close() {
        if (approvals != null) {
            approvals.close();
        }
        timer.shutdownNow();
        io.shutdownNow();
    }
}
