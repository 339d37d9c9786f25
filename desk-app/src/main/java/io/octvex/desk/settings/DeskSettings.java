package io.octvex.desk.settings;

/**
 * The Desk's own preferences, as saved under the user's config folder by {@link SettingsStore}. No secrets,
 * no server state: the session token never goes here. {@code notifications} is read by the notification code
 * (issue #7) before it shows anything.
 */
public record DeskSettings(ThemeChoice theme, boolean notifications) {
    public static final DeskSettings DEFAULTS = new DeskSettings(ThemeChoice.SYSTEM, true);

    /** Light, dark, or whatever the operating system prefers. */
    public enum ThemeChoice { SYSTEM, LIGHT, DARK }

    public DeskSettings {
        theme = theme == null ? ThemeChoice.SYSTEM : theme;
    }

    public DeskSettings withTheme(ThemeChoice choice) {
        return new DeskSettings(choice, notifications);
    }

    public DeskSettings withNotifications(boolean on) {
        return new DeskSettings(theme, on);
    }
}
