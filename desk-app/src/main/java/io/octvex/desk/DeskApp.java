package io.octvex.desk;

import io.octvex.desk.cache.DeskCache;
import io.octvex.desk.settings.DeskSettings;
import io.octvex.desk.settings.OsAppearance;
import io.octvex.desk.settings.SettingsScreen;
import io.octvex.desk.settings.SettingsStore;
import io.octvex.edge.ServerLocator;
import java.nio.file.Path;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;

/**
 * The Desk application: sign in (server, user, workspace), then a sidebar of screens (approvals inbox, runs,
 * fleet, audit, policy, workspaces, settings), live-synced with the server.
 */
public final class DeskApp extends Application {
    private DeskShell shell;
    private SettingsStore store;
    private DeskSettings settings;
    private boolean dark;

    /** Reads the settings file and asks the OS for its theme here, on the launcher thread, not the FX thread. */
    @Override
    public void init() {
        DeskOptions options = DeskOptions.parse(getParameters().getRaw().toArray(String[]::new));
        store = SettingsStore.inUserConfigDir();
        SettingsStore.Loaded loaded = store.load();
        if (loaded.problem() != null) {
            System.err.println("octvex-desk: " + loaded.problem());
        }
        settings = loaded.settings();
        dark = options.theme() != null ? options.theme() == DeskOptions.Theme.DARK
                : SettingsScreen.dark(settings.theme(), settings.theme() == DeskSettings.ThemeChoice.SYSTEM
                        ? OsAppearance.system().prefersDark().orElse(null) : null);
    }

    @Override
    public void start(Stage stage) {
        DeskOptions options = DeskOptions.parse(getParameters().getRaw().toArray(String[]::new));
        SettingsScreen.applyTheme(dark);
        shell = new DeskShell(serverUrl(options), new DeskHost(System.getenv(),
                DeskCache.defaultDir(System.getenv(), System.getProperty("os.name"), Path.of(System.getProperty("user.home"))),
                () -> {
                    stage.setIconified(false);
                    stage.show();
                    stage.toFront();
                    stage.requestFocus();
                }), store, settings);
        stage.titleProperty().bind(shell.titleProperty());
        Scene scene = new Scene(shell, 1200, 760);
        stage.setScene(scene);
        Startup.whenInteractive(scene);
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
