package io.octvex.server.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spawns {@code octvex-edge} processes on this machine: {@code <command> --server URL --wait --name NAME --label …
 * --capacity N --home <workDir>/<name>}, output in {@code <workDir>/<name>/edge.log}. Keeps the handles to reap
 * them; on server shutdown each gets SIGTERM (it drains), then SIGKILL after 15 s.
 */
final class ProcessBackend implements EdgeBackend {
    private static final Logger log = LoggerFactory.getLogger(ProcessBackend.class);

    private final List<String> command;
    private final Path workDir;
    private final Map<String, Process> processes = new ConcurrentHashMap<>();

    ProcessBackend(String command, Path workDir) {
        this.command = EdgeBackend.split(command);
        this.workDir = workDir;
    }

    @Override
    public String name() {
        return "process";
    }

    /** The full command line of one edge (no token). */
    List<String> commandLine(Launch launch, Path home) {
        List<String> line = new ArrayList<>(command);
        line.addAll(launch.edgeArgs());
        line.addAll(List.of("--home", home.toString()));
        return line;
    }

    @Override
    public void launch(Launch launch) throws IOException {
        Path home = workDir.resolve(launch.name());
        Files.createDirectories(home);
        ProcessBuilder builder = new ProcessBuilder(commandLine(launch, home)).directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("edge.log").toFile()));
        EdgeBackend.edgeEnvironment(builder.environment(), launch.enrollToken());
        builder.environment().put("OCTVEX_HOME", home.toString());
        Process process = builder.start();
        processes.put(launch.name(), process);
        log.info("Auto-scaler started edge {} (pid {}, home {})", launch.name(), process.pid(), home);
    }

    @Override
    public boolean alive(String name) {
        Process p = processes.get(name);
        return p != null && p.isAlive();
    }

    @Override
    public void reap() {
        processes.entrySet().removeIf(e -> {
            if (e.getValue().isAlive()) {
                return false;
            }
            log.info("Auto-scaled edge {} (pid {}) exited with {}", e.getKey(), e.getValue().pid(),
                    e.getValue().exitValue());
            return true;
        });
    }

    /** Edges this backend started that still run. */
    int running() {
        return (int) processes.values().stream().filter(Process::isAlive).count();
    }

    @Override
    public void close() {
        processes.values().forEach(Process::destroy); // SIGTERM: the edge drains and exits
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (Process p : processes.values()) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
    }
}
