package io.octvex.desk.mcpclients;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The folders client paths are relative to: the home folder, Windows' {@code %APPDATA%} and the XDG config
 * folder. Tests point them at a temporary folder.
 */
record Places(Os os, Path home, Path appData, Path xdgConfig) {
    enum Os { LINUX, MAC, WINDOWS }

    static Places ofThisMachine() {
        String name = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        Os os = name.startsWith("windows") ? Os.WINDOWS : name.startsWith("mac") ? Os.MAC : Os.LINUX;
        Path home = Path.of(System.getProperty("user.home"));
        String appData = System.getenv("APPDATA");
        String xdg = System.getenv("XDG_CONFIG_HOME");
        return new Places(os, home, appData != null ? Path.of(appData) : home.resolve("AppData/Roaming"),
                xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".config"));
    }

    /** Where desktop apps keep their settings: %APPDATA%, ~/Library/Application Support, $XDG_CONFIG_HOME. */
    Path appSupport() {
        return switch (os) {
            case WINDOWS -> appData;
            case MAC -> home.resolve("Library/Application Support");
            case LINUX -> xdgConfig;
        };
    }
}
