package io.octvex.desk;

import io.octvex.desk.approvals.ApprovalsApi;
import io.octvex.desk.approvals.ApprovalsModel;
import io.octvex.desk.approvals.ApprovalsView;
import io.octvex.desk.connect.ConnectModel;
import io.octvex.desk.connect.ConnectView;
import io.octvex.desk.connect.DeskSession;
import io.octvex.protocol.OctvexClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javafx.application.Platform;
import javafx.geometry.Pos;
import javafx.scene.layout.StackPane;

/**
 * The Desk's window content: the connect screen, then the approvals inbox of the chosen workspace. Owns the
 * background threads (virtual threads for calls, one timer for debounced refreshes); {@link #close()} ends
 * them and the live stream.
 */
public final class DeskShell extends StackPane implements AutoCloseable {
    private final ExecutorService io = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "octvex-desk-timer");
        t.setDaemon(true);
        return t;
    });
    private ApprovalsModel approvals;

    public DeskShell(String defaultServerUrl) {
        var connect = new ConnectModel(defaultServerUrl, OctvexClient::connect, io, Platform::runLater, this::open);
        var view = new ConnectView(connect);
        StackPane.setAlignment(view, Pos.TOP_CENTER);
        getChildren().setAll(view);
    }

    private void open(DeskSession session) {
        approvals = new ApprovalsModel(ApprovalsApi.of(session.client(), session.workspace().id()), io,
                Platform::runLater, timer, Duration.ofMillis(150), Clock.systemUTC());
        String who = session.user().name() + " in " + session.workspace().name();
        getChildren().setAll(new ApprovalsView(approvals, who));
        approvals.start(0);
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
