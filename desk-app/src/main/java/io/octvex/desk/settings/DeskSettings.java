package io.octvex.desk.settings;

/**
 * The Desk's own preferences, as saved under the user's config folder by {@link SettingsStore}. No secrets,
 * no server state: the session token never goes here. {@code notifications} is read by the notification code
 * (issue #7) before it shows anything; {@code bundledEdge} says whether the Desk runs its local edge
 * ({@code io.octvex.desk.edge}).
 */
public record DeskSettings(ThemeChoice theme, boolean notifications, boolean bundledEdge) {
    public static final DeskSettings DEFAULTS = new DeskSettings(ThemeChoice.SYSTEM, true, false);

    /** Light, dark, or whatever the operating system prefers. */
    public enum ThemeChoice { SYSTEM, LIGHT, DARK }

    public DeskSettings {
        theme = theme == null ? ThemeChoice.SYSTEM : theme;
    }

    /** Without the bundled edge. */
    public DeskSettings(ThemeChoice theme, boolean notifications) {
        this(theme, notifications, false);
    }

    public DeskSettings withTheme(ThemeChoice choice) {
        return new DeskSettings(choice, notifications, bundledEdge);
    }

    public DeskSettings withNotifications(boolean on) {
        return new DeskSettings(theme, on, bundledEdge);
    }

    public DeskSettings withBundledEdge(boolean on) {
        return new DeskSettings(theme, notifications, on);
    }
}
