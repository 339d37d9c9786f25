package io.octvex.desk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.edge.identity.EdgeIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * What the Desk's UI tests share: waiting for a condition, the screenshots for docs/screenshots, and looking for
 * a secret in the Desk's files.
 */
public final class DeskTesting {
    /** The one property: a directory the screenshots are written to (docs/desk.md); unset, none are taken. */
    public static final String SCREENSHOTS = "desk.screenshots";

    private DeskTesting() {}

    /** Shows {@code root} as the Desk's window: the title the screenshots look for, and the Desk's theme. */
    public static void show(Stage stage, Parent root, double width, double height) {
        javafx.application.Application.setUserAgentStylesheet(
                new atlantafx.base.theme.PrimerLight().getUserAgentStylesheet());
        stage.setTitle("Octvex Desk");
        stage.setScene(new Scene(root, width, height));
        stage.show();
    }

    /**
     * Polls {@code condition} until it holds, else fails saying {@code what} and {@code context} (the server's
     * output, say): generous limits, since the machine is shared.
     */
    public static void await(String what, Duration within, Callable<Boolean> condition, Supplier<String> context)
            throws Exception {
        Instant deadline = Instant.now().plus(within);
        while (Instant.now().isBefore(deadline)) {
            if (Boolean.TRUE.equals(condition.call())) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not within " + within.toSeconds() + " s: " + what + "\n" + context.get());
    }

    /** The last 4000 characters of a process's output, to say what the server did when a wait fails. */
    public static String tail(String label, String output) {
        return "--- " + label + " (tail):\n" + (output.length() <= 4000 ? output : output.substring(output.length() - 4000));
    }

    /**
     * The screen (imagemagick {@code import}), cropped to the content of the window titled "Octvex Desk",
     * saved as {@code name} in the {@link #SCREENSHOTS} directory, when that property is set.
     */
    public static void screenshot(FxRobot robot, String name) throws Exception {
        String dir = System.getProperty(SCREENSHOTS);
        if (dir == null || dir.isBlank()) {
            return;
        }
        WaitForAsyncUtils.waitForFxEvents();
        robot.sleep(4000); // let the last change render: on a busy machine a software-rendered frame takes seconds
        Path path = Path.of(dir).toAbsolutePath().resolve(name);
        Files.createDirectories(path.getParent());
        var window = robot.window("Octvex Desk");
        Node content = window.getScene().getRoot();
        var origin = content.localToScreen(0, 0);
        String crop = String.format("%dx%d+%d+%d", (int) window.getScene().getWidth(),
                (int) window.getScene().getHeight(), (int) origin.getX(), (int) origin.getY());
        Process p = new ProcessBuilder("import", "-window", "root", "-crop", crop, "+repage", path.toString())
                .inheritIO().start();
        assertThat(p.waitFor()).as("imagemagick import").isZero();
    }

    /**
     * The files under {@code dirs} that hold a secret of the edge identity {@code id} in a readable form: its token,
     * its private key in base64 (the PKCS#8 DER, or the raw 32-byte X25519 scalar at its end, also URL-safe) or
     * hex, or the raw scalar's bytes.
     */
    public static List<Path> filesHoldingSecretsOf(EdgeIdentity id, Path... dirs) throws IOException {
        byte[] pkcs8 = Base64.getDecoder().decode(id.sealingPrivateKey());
        byte[] raw = Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
        List<byte[]> needles = new ArrayList<>(Stream.of(id.edgeToken(), id.sealingPrivateKey(),
                        Base64.getEncoder().encodeToString(raw), Base64.getUrlEncoder().withoutPadding().encodeToString(raw),
                        HexFormat.of().formatHex(raw))
                .map(text -> text.getBytes(StandardCharsets.UTF_8)).toList());
        needles.add(raw);
        List<Path> found = new ArrayList<>();
        for (Path dir : dirs) {
            if (!Files.exists(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    byte[] bytes = Files.readAllBytes(file);
                    if (needles.stream().anyMatch(n -> indexOf(bytes, n) >= 0)) {
                        found.add(file);
                    }
                }
            }
        }
        return found;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
