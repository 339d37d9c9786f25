package io.octvex.desk.settings;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import io.octvex.desk.connect.DeskSession;
import java.util.concurrent.Executor;
import javafx.application.Application;
import javafx.beans.property.ObjectProperty;
import javafx.scene.Node;

/** The settings screen, and the theme rules the Desk applies at start. */
public final class SettingsScreen {
    private SettingsScreen() {}

    /**
     * @param settings   the settings in force, loaded at start; the screen saves and sets each change here
     * @param bundledEdge the bundled edge's section ({@code io.octvex.desk.edge.BundledEdge#view})
     * @param disconnect ends the session and goes back to the connect screen
     * @param security   the "Security / Unlock" section (io.octvex.desk.unlock), or null
     */
    public static Node create(DeskSession session, SettingsStore store, ObjectProperty<DeskSettings> settings,
                              Executor io, Executor fx, Node bundledEdge, Runnable disconnect, Node security) {
        var model = new SettingsModel(store, OsAppearance.system(), io, fx, SettingsScreen::applyTheme, settings);
        model.detect();
        return new SettingsView(model, session, bundledEdge, disconnect, security);
    }

    /** Whether to show the dark theme: the choice, or for "system" what the OS prefers (light when unknown). */
    public static boolean dark(DeskSettings.ThemeChoice choice, Boolean osPrefersDark) {
        return switch (choice) {
            case LIGHT -> false;
            case DARK -> true;
            case SYSTEM -> Boolean.TRUE.equals(osPrefersDark);
        };
    }

    /** Sets AtlantaFX's Primer theme for the whole application (FX thread). */
    public static void applyTheme(boolean dark) {
        Application.setUserAgentStylesheet(dark ? new PrimerDark().getUserAgentStylesheet()
                : new PrimerLight().getUserAgentStylesheet());
    }
}
