package io.octvex.edge.e2e;

import io.octvex.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real server jar and real edge processes, started as `./octvex server` and `./octvex edge` would. */
final class Processes {
    static final String ADMIN_PASSWORD = "edge e2e admin password";

    private Processes() {}

    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    static Path jar(String property) {
        String jar = System.getProperty(property);
        if (jar == null || !Files.exists(Path.of(jar))) {
            throw new IllegalStateException(property + " is not built: " + jar + " (run the reactor build, or "
                    + "`./mvnw -pl local-edge -am verify`, so that sync-server's jar exists)");
        }
        return Path.of(jar);
    }

    /** A process with its output in a log file. */
    record Running(Process process, Path log) implements AutoCloseable {
        String output() {
            try {
                return Files.exists(log) ? Files.readString(log) : "";
            } catch (IOException e) {
                return "(cannot read " + log + ": " + e.getMessage() + ")";
            }
        }

        long pid() {
            return process.pid();
        }

        void signal(String name) throws Exception {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        }

        int awaitExit(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("process " + pid() + " did not exit within " + timeout + ":\n" + output());
            }
            return process.exitValue();
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy(); // SIGTERM: an edge drains, the server shuts down
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
        }
    }

    static Running startServer(Path home, String... args) throws IOException {
        return startServer(home, jar("octvex.server.jar"), List.of(), args);
    }

    /** The same with {@code jvm} options before {@code -jar} and the server jar at {@code jar}. */
    static Running startServer(Path home, Path jar, List<String> jvm, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx512m"));
        command.addAll(jvm);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(List.of(args));
        Path log = home.resolveSibling("server.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("OCTVEX_HOME", home.toString());
        env.put("OCTVEX_PORT", "0");
        env.put("OCTVEX_ADMIN_PASSWORD", ADMIN_PASSWORD);
        return new Running(builder.start(), log);
    }

    /** Waits for the server to publish its URL in run/server.json (written once it is ready). */
    static String awaitServerUrl(Running server, Path home, Duration timeout) throws Exception {
        Path info = home.resolve("run/server.json");
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!server.process().isAlive()) {
                throw new IllegalStateException("the server exited with " + server.process().exitValue() + ":\n"
                        + server.output());
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
        throw new IllegalStateException("the server did not start within " + timeout + ":\n" + server.output());
    }

    /**
     * A class-data archive of a warmed-up edge ({@code -XX:ArchiveClassesAtExit}), made by a test that starts
     * many edges; used by every edge started after it while it is newer than the edge jar.
     */
    static final Path EDGE_ARCHIVE = Path.of("target", "octvex-edge-it.jsa").toAbsolutePath();

    /** `octvex-edge ARGS` with OCTVEX_HOME pointing at {@code home}. */
    static Running startEdge(Path home, String name, List<String> args) throws IOException {
        return startEdge(home, name, args, List.of());
    }

    /**
     * The same with extra JVM options. Edges start with flags that make a JVM start cheap (C1 only, the serial
     * collector, the class-data archive when there is one): tests that start many of them are bound by that.
     */
    static Running startEdge(Path home, String name, List<String> args, List<String> jvm) throws IOException {
        Path jar = jar("octvex.edge.jar");
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx128m", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-Xshare:auto"));
        if (jvm.stream().noneMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit")) && edgeArchiveUsable(jar)) {
            command.add("-XX:SharedArchiveFile=" + EDGE_ARCHIVE);
        }
        command.addAll(jvm);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(args);
        Files.createDirectories(home);
        Path log = home.resolveSibling(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("OCTVEX_HOME", home.toString());
        builder.environment().remove("OCTVEX_ENROLL_TOKEN");
        return new Running(builder.start(), log);
    }

    static boolean edgeArchiveUsable(Path jar) throws IOException {
        return Files.exists(EDGE_ARCHIVE)
                && Files.getLastModifiedTime(EDGE_ARCHIVE).compareTo(Files.getLastModifiedTime(jar)) > 0;
    }
}
