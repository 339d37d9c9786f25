package io.octvex.server.e2e;

import io.octvex.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The real server jar in its own process, as `./octvex server` starts it. */
final class ServerProcess implements AutoCloseable {
    static final String ADMIN_PASSWORD = "e2e admin password 1";

    private final Process process;
    private final Path log;
    private final Path home;

    private ServerProcess(Process process, Path log, Path home) {
        this.process = process;
        this.log = log;
        this.home = home;
    }

    static ServerProcess start(Path home) throws IOException {
        return start(home, Map.of());
    }

    /** Starts the jar with these environment variables added (a {@code null} value removes one). */
    static ServerProcess start(Path home, Map<String, String> extraEnv) throws IOException {
        String jar = System.getProperty("octvex.server.jar");
        if (jar == null || !Files.exists(Path.of(jar))) {
            throw new IllegalStateException("octvex.server.jar is not built: " + jar);
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = Files.createTempFile(home.getParent(), "server-", ".log");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-jar", jar));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("OCTVEX_HOME", home.toString());
        env.put("OCTVEX_PORT", "0");
        env.put("OCTVEX_ADMIN_PASSWORD", ADMIN_PASSWORD);
        extraEnv.forEach((name, value) -> {
            if (value == null) {
                env.remove(name);
            } else {
                env.put(name, value);
            }
        });
        return new ServerProcess(builder.start(), log, home);
    }

    /** Waits for the server to publish its URL, or for the process to end. */
    String awaitUrl(Duration timeout) throws Exception {
        Path info = home.resolve("run/server.json");
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue() + ":\n" + output());
            }
            if (Files.exists(info)) {
                return Json.tree(Files.readString(info)).get("url").asString();
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the server did not start within " + timeout + ":\n" + output());
    }

    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the server did not exit within " + timeout);
        }
        return process.exitValue();
    }

    String output() throws IOException {
        return Files.readString(log);
    }

    /** SIGTERM, as Ctrl-C or a service manager would stop it. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
