package io.octvex.desk;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import io.octvex.desk.cache.DeskCache;
import io.octvex.edge.ServerLocator;
import java.nio.file.Path;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;

/**
 * The Desk application: sign in (server, user, workspace), then the approvals inbox, live-synced with the
 * server. Runs, fleet, audit and the other screens of issue #7 are not built yet.
 */
public final class DeskApp extends Application {
    private DeskShell shell;

    @Override
    public void start(Stage stage) {
        DeskOptions options = DeskOptions.parse(getParameters().getRaw().toArray(String[]::new));
        Application.setUserAgentStylesheet(switch (options.theme()) {
            case LIGHT -> new PrimerLight().getUserAgentStylesheet();
            case DARK -> new PrimerDark().getUserAgentStylesheet();
        });
        shell = new DeskShell(serverUrl(options), new DeskHost(System.getenv(),
                DeskCache.defaultDir(System.getenv(), System.getProperty("os.name"), Path.of(System.getProperty("user.home"))),
                () -> {
                    stage.setIconified(false);
                    stage.show();
                    stage.toFront();
                    stage.requestFocus();
                }));
        stage.titleProperty().bind(shell.titleProperty());
        stage.setScene(new Scene(shell, 960, 640));
        stage.show();
    }

    @Override
    public void stop() {
        if (shell != null) {
            shell.close();
        }
    }

    /** The --server option, else where ServerLocator finds the local server; empty when neither says. */
    private static String serverUrl(DeskOptions options) {
        if (options.server() != null) {
            return options.server().toString();
        }
        try {
            return ServerLocator.fromEnvironment().defaultServerUrl().toString();
        } catch (IllegalStateException e) {
            return "";
        }
    }
}
