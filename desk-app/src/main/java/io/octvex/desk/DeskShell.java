package io.octvex.desk;

import io.octvex.desk.connect.ConnectModel;
import io.octvex.desk.connect.ConnectView;
import io.octvex.desk.connect.DeskSession;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.WorkspaceView;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javafx.application.Platform;
import javafx.geometry.Pos;
import javafx.scene.layout.StackPane;

/**
 * The Desk's window content: the connect screen, then the {@link Workbench} (sidebar and screens) of the chosen
 * workspace, rebuilt on a workspace switch. Owns the background threads (virtual threads for calls, one timer
 * for debounced and periodic work); {@link #close()} ends them and every screen's live stream.
 */
public final class DeskShell extends StackPane implements AutoCloseable {
    private final ExecutorService io = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "octvex-desk-timer");
        t.setDaemon(true);
        return t;
    });
    private Workbench workbench;

    public DeskShell(String defaultServerUrl) {
        var connect = new ConnectModel(defaultServerUrl, OctvexClient::connect, io, Platform::runLater, this::open);
        var view = new ConnectView(connect);
        StackPane.setAlignment(view, Pos.TOP_CENTER);
        getChildren().setAll(view);
    }

    private void open(DeskSession session) {
        if (workbench != null) {
            workbench.close();
        }
        workbench = new Workbench(session, DeskScreens.all(), io, Platform::runLater, timer, Clock.systemUTC(),
                (WorkspaceView other) -> open(new DeskSession(session.client(), session.user(), other)));
        getChildren().setAll(workbench);
    }

    /** Opens the screen with {@code id} (e.g. "runs"); nothing before sign-in. */
    public void select(String id) {
        if (workbench != null) {
            workbench.select(id);
        }
    }

    @Override
    public void close() {
        if (workbench != null) {
            workbench.close();
        }
        timer.shutdownNow();
        io.shutdownNow();
    }
}
