package io.octvex.desk.settings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Whether the operating system prefers a dark appearance, where that can be asked (JavaFX 21 cannot say; 22
 * can): GNOME's {@code color-scheme} on Linux, {@code AppleInterfaceStyle} on macOS, {@code
 * AppsUseLightTheme} on Windows. Runs a short process: call it off the FX thread.
 */
public interface OsAppearance {
    /** Dark (true) or light (false); empty when it cannot be told. */
    Optional<Boolean> prefersDark();

    static OsAppearance system() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("mac")) {
            // the key is absent (exit 1) in light mode
            return () -> run(List.of("defaults", "read", "-g", "AppleInterfaceStyle"), true)
                    .map(out -> out.strip().equalsIgnoreCase("dark"));
        }
        if (os.startsWith("windows")) {
            return () -> run(List.of("reg", "query", "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Themes\\Personalize",
                    "/v", "AppsUseLightTheme"), false).map(out -> out.contains("0x0"));
        }
        return () -> run(List.of("gsettings", "get", "org.gnome.desktop.interface", "color-scheme"), false)
                .flatMap(out -> out.contains("prefer-dark") ? Optional.of(true)
                        : out.contains("default") || out.contains("prefer-light") ? Optional.of(false)
                        : Optional.empty());
    }

    /** The command's output; {@code failureMeansEmpty}: a non-zero exit is an empty answer, not "unknown". */
    private static Optional<String> run(List<String> command, boolean failureMeansEmpty) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                return failureMeansEmpty ? Optional.of("") : Optional.empty();
            }
            return Optional.of(out);
        } catch (IOException e) {
            return Optional.empty(); // the tool is not there: cannot tell
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
