package io.octvex.desk.settings;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Reads and writes {@link DeskSettings} as a small properties file: {@code desk.properties} in
 * {@code $XDG_CONFIG_HOME/octvex} (else {@code ~/.config/octvex}) on Linux, {@code ~/Library/Application
 * Support/Octvex} on macOS, {@code %APPDATA%\Octvex} on Windows. Blocking file I/O: call it off the FX thread.
 */
public final class SettingsStore {
    /** What was read, and a sentence when the file could not be used as it was (the defaults then apply). */
    public record Loaded(DeskSettings settings, String problem) {}

    private final Path file;

    public SettingsStore(Path file) {
        this.file = file;
    }

    /** The store in the user's config folder for this OS. */
    public static SettingsStore inUserConfigDir() {
        return new SettingsStore(configDir(System.getProperty("os.name", ""), System.getenv(),
                Path.of(System.getProperty("user.home", "."))).resolve("desk.properties"));
    }

    static Path configDir(String osName, Map<String, String> env, Path home) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            String appData = env.get("APPDATA");
            return (appData == null || appData.isBlank() ? home.resolve("AppData/Roaming") : Path.of(appData))
                    .resolve("Octvex");
        }
        if (os.startsWith("mac")) {
            return home.resolve("Library/Application Support/Octvex");
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        return (xdg == null || xdg.isBlank() || !Path.of(xdg).isAbsolute() ? home.resolve(".config") : Path.of(xdg))
                .resolve("octvex");
    }

    public Path file() {
        return file;
    }

    /** The saved settings; the defaults when there is no file yet, or when it cannot be read (said). */
    public Loaded load() {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return new Loaded(DeskSettings.DEFAULTS, null);
        } catch (IOException | IllegalArgumentException e) {
            return new Loaded(DeskSettings.DEFAULTS, "Cannot read " + file + "; using the defaults.");
        }
        DeskSettings.ThemeChoice theme;
        String themeText = p.getProperty("theme", "system").strip().toUpperCase(Locale.ROOT);
        String problem = null;
        try {
            theme = DeskSettings.ThemeChoice.valueOf(themeText);
        } catch (IllegalArgumentException e) {
            theme = DeskSettings.ThemeChoice.SYSTEM;
            problem = "theme in " + file + " must be system, light or dark; following the system.";
        }
        String notify = p.getProperty("notifications", "true").strip();
        boolean notifications = !notify.equalsIgnoreCase("false");
        if (!notify.equalsIgnoreCase("true") && notifications) {
            problem = "notifications in " + file + " must be true or false; notifications stay on.";
        }
        String edge = p.getProperty("bundledEdge", "false").strip();
        boolean bundledEdge = edge.equalsIgnoreCase("true");
        if (!bundledEdge && !edge.equalsIgnoreCase("false")) {
            problem = "bundledEdge in " + file + " must be true or false; the bundled edge stays off.";
        }
        return new Loaded(new DeskSettings(theme, notifications, bundledEdge), problem);
    }

    /** Saves atomically (a temporary file moved into place), so a crash never leaves half a file. */
    public void save(DeskSettings settings) throws IOException {
        Files.createDirectories(file.getParent());
        Properties p = new Properties();
        p.setProperty("theme", settings.theme().name().toLowerCase(Locale.ROOT));
        p.setProperty("notifications", Boolean.toString(settings.notifications()));
        p.setProperty("bundledEdge", Boolean.toString(settings.bundledEdge()));
        Path temp = Files.createTempFile(file.getParent(), ".desk-", ".properties");
        try {
            try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                p.store(out, "Octvex Desk settings (no secrets here)");
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
