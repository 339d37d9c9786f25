package io.octvex.desk.e2e;

import io.octvex.desk.DeskLauncher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.stage.Window;

/**
 * One start of the real Desk (its {@code DeskLauncher}, in this JVM) for {@code bench/desk-startup.sh}: waits for
 * the Desk's own "interactive" moment (the system property {@code octvex.desk.interactiveAt}), reads this
 * process's RSS a second later, then signs in (as a user would: the connect screen's fields and button), opens
 * every sidebar screen in turn, lets each load, and reads the RSS again. Prints one line:
 * {@code desk-startup interactiveMillis=… cpuMillis=… rssStartKiB=… rssAllScreensKiB=… screens=…} (cpuMillis: the
 * process's CPU time when the first frame was seen), then exits.
 *
 * <p>Arguments: {@code --server URL}; the user is {@code $OCTVEX_BENCH_USER} (default admin) with the password in
 * {@code $OCTVEX_BENCH_PASSWORD}. Linux only (RSS from {@code /proc/self/status}).
 */
public final class DeskStartupBenchmark {
    private static final Duration SCREEN_SETTLE = Duration.ofMillis(1500);

    private DeskStartupBenchmark() {}

    public static void main(String[] args) throws Exception {
        String user = System.getenv().getOrDefault("OCTVEX_BENCH_USER", "admin");
        String password = System.getenv("OCTVEX_BENCH_PASSWORD");
        if (password == null) {
            throw new IllegalArgumentException("set OCTVEX_BENCH_PASSWORD to the bench user's password");
        }
        Thread.ofPlatform().daemon().name("bench-driver").start(() -> {
            try {
                drive(user, password);
            } catch (Throwable e) {
                e.printStackTrace();
                Runtime.getRuntime().halt(1);
            }
        });
        DeskLauncher.main(args);
        System.exit(0); // a normal exit, so -XX:+AutoCreateSharedArchive writes its archive
    }

    private static void drive(String user, String password) throws Exception {
        await("the first frame", () -> System.getProperty("octvex.desk.interactiveAt") != null);
        // CPU used up to the first frame: on a loaded machine the wall time mostly measures the wait for a core
        long cpuMillis = ProcessHandle.current().info().totalCpuDuration().orElseThrow().toMillis();
        long interactiveAt = Long.parseLong(System.getProperty("octvex.desk.interactiveAt"));
        long startedAt = ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli();
        Thread.sleep(1000);
        long rssStart = rssKiB();

        onFx(() -> {
            Scene scene = Window.getWindows().getFirst().getScene();
            ((TextField) scene.lookup("#username")).setText(user);
            ((TextField) scene.lookup("#password")).setText(password);
            ((Button) scene.lookup("#signIn")).fire();
            return null;
        });
        await("the sidebar", () -> onFx(() -> lookup("#nav") != null));
        int screens = onFx(() -> ((ListView<?>) lookup("#nav")).getItems().size());
        for (int i = 0; i < screens; i++) {
            int index = i;
            onFx(() -> {
                ((ListView<?>) lookup("#nav")).getSelectionModel().select(index);
                return null;
            });
            Thread.sleep(SCREEN_SETTLE);
        }
        long rssAll = rssKiB();
        System.out.println("desk-startup interactiveMillis=" + (interactiveAt - startedAt) + " cpuMillis=" + cpuMillis
                + " rssStartKiB=" + rssStart
                + " rssAllScreensKiB=" + rssAll + " screens=" + screens);
        System.out.flush();
        Platform.runLater(Platform::exit);
        Thread.sleep(10_000);
        System.exit(0); // the Desk's close did not end the JVM in time: the figures are out
    }

    private static Node lookup(String selector) {
        return Window.getWindows().getFirst().getScene().lookup(selector);
    }

    private static <T> T onFx(Callable<T> action) throws Exception {
        var result = new CompletableFuture<T>();
        Platform.runLater(() -> {
            try {
                result.complete(action.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result.get();
    }

    /** VmRSS of this process. */
    private static long rssKiB() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (Instant.now().isBefore(deadline)) {
            if (Boolean.TRUE.equals(condition.call())) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("not within 120 s: " + what);
    }
}
