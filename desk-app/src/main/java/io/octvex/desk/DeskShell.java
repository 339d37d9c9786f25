package io.octvex.desk;

import io.octvex.desk.connect.ConnectModel;
import io.octvex.desk.connect.ConnectView;
import io.octvex.desk.connect.DeskSession;
import io.octvex.desk.settings.DeskSettings;
import io.octvex.desk.settings.SettingsStore;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.WorkspaceView;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javafx.application.Platform;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Pos;
import javafx.scene.layout.StackPane;

/**
 * The Desk's window content: the connect screen, then the {@link Workbench} (sidebar and screens) of the chosen
 * workspace, rebuilt on a workspace switch. Owns the background threads (virtual threads for calls, one timer
 * for debounced and periodic work) and the settings in force; {@link #close()} ends the threads and every
 * screen's live stream.
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
    private Workbench workbench;

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
        workbench = new Workbench(session, DeskScreens.all(settings, current, this::disconnect), io,
                Platform::runLater, timer, Clock.systemUTC(),
                (WorkspaceView other) -> open(new DeskSession(session.client(), session.user(), other)));
        getChildren().setAll(workbench);
    }

    /** Ends the session here (the token is only in memory) and shows the connect screen again. */
    private void disconnect() {
        closeWorkbench();
        showConnect();
    }

    private void closeWorkbench() {
        if (workbench != null) {
            workbench.close();
            workbench = null;
        }
    }

    @Override
    public void close() {
        closeWorkbench();
        timer.shutdownNow();
        io.shutdownNow();
    }
}
