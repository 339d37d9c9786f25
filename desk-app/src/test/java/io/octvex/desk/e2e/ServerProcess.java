package io.octvex.desk.e2e;

import io.octvex.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real server jar, started as `./octvex server` would start it (a minimal copy of local-edge's e2e
 * {@code Processes}: test fixtures are not shared across modules).
 */
final class ServerProcess implements AutoCloseable {
    static final String ADMIN_PASSWORD = "desk e2e admin password";

    private final Process process;
    private final Path log;
    private final String url;

    private ServerProcess(Process process, Path log, String url) {
        this.process = process;
        this.log = log;
        this.url = url;
    }

    static ServerProcess start(Path home) throws Exception {
        return start(home, 0);
    }

    /** On {@code port} (0: any free one); a restart on the same home and port keeps the Desk's server URL. */
    static ServerProcess start(Path home, int port) throws Exception {
        String jar = System.getProperty("octvex.server.jar");
        if (jar == null || !Files.exists(Path.of(jar))) {
            throw new IllegalStateException("octvex.server.jar is not built: " + jar
                    + " (run the reactor build, or `./mvnw -pl sync-server package` first)");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Files.deleteIfExists(home.resolve("run/server.json")); // a restart: wait for the new one
        Path log = home.resolveSibling(home.getFileName() + "-" + System.nanoTime() + ".log");
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx512m", "-jar", jar))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("OCTVEX_HOME", home.toString());
        builder.environment().put("OCTVEX_PORT", Integer.toString(port));
        builder.environment().put("OCTVEX_ADMIN_PASSWORD", ADMIN_PASSWORD);
        Process process = builder.start();
        try {
            return new ServerProcess(process, log, awaitUrl(process, home, log, Duration.ofSeconds(300)));
        } catch (Exception | Error e) {
            process.destroyForcibly(); // no orphaned server (and its PostgreSQL) after a failed start
            throw e;
        }
    }

    String url() {
        return url;
    }

    String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ")";
        }
    }

    /** Waits for the server to publish its URL in run/server.json (written once it is ready). */
    private static String awaitUrl(Process process, Path home, Path log, Duration timeout) throws Exception {
        Path info = home.resolve("run/server.json");
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue() + ":\n"
                        + Files.readString(log));
            }
            if (Files.exists(info)) {
                try {
                    return Json.tree(Files.readString(info)).get("url").asString();
                } catch (RuntimeException e) {
                    // being written
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the server did not start within " + timeout + ":\n" + Files.readString(log));
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
