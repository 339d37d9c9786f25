package io.octvex.desk.webauthn;

import java.awt.Desktop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/** Opens a URL in the user's default browser: AWT's Desktop where it can, else the OS's own opener. */
final class SystemBrowser {
    private SystemBrowser() {}

    static void open(URI uri) {
        try {
            if (Desktop.isDesktopSupported() && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
                Desktop.getDesktop().browse(uri);
                return;
            }
            new ProcessBuilder(command(uri.toString())).inheritIO().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> command(String url) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("win")) {
            // "start" is a cmd built-in whose first quoted argument is a window title
            return List.of("cmd", "/c", "start", "\"\"", url);
        }
        return List.of(os.contains("mac") ? "open" : "xdg-open", url);
    }
}
