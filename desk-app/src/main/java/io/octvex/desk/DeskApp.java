package io.octvex.desk;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import io.octvex.edge.ServerLocator;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;

/**
 * The Desk application: sign in (server, user, workspace), then a sidebar of screens (approvals inbox, runs,
 * fleet, …), live-synced with the server.
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
        shell = new DeskShell(serverUrl(options));
        stage.setTitle("Octvex Desk");
        stage.setScene(new Scene(shell, 1200, 760));
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
