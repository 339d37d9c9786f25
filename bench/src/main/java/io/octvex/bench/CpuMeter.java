package io.octvex.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * The CPU time the operating system charged to each part of the stack (server, edges, PostgreSQL, this
 * harness) over a phase: on a 2-core machine it says whether the drain is bound by CPU and whose. PostgreSQL is
 * the postmaster and its children at each reading; a backend that exits in between takes its time with it
 * (the pools keep theirs open, so little is lost).
 */
final class CpuMeter {
    private final Map<String, Supplier<Stream<ProcessHandle>>> parts = new LinkedHashMap<>();

    CpuMeter(OctvexStack stack, DataSource postgres) throws SQLException {
        ProcessHandle postmaster = postmaster(postgres);
        parts.put("server", () -> ProcessHandle.of(stack.serverPid()).stream());
        parts.put("edges", stack::edgeProcesses);
        parts.put("PostgreSQL", () -> Stream.concat(Stream.of(postmaster), postmaster.descendants()));
        parts.put("harness", () -> Stream.of(ProcessHandle.current()));
    }

    /** CPU seconds per part, and the wall time they were spent in. */
    record Use(Map<String, Double> seconds, double wallSeconds) {
        double total() {
            return seconds.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        /** e.g. "server 6.1 ms, edges 3.0 ms, … = 14.2 ms of CPU per run; 1.7 of 2 cores busy". */
        String perRun(long runs) {
            StringBuilder s = new StringBuilder();
            seconds.forEach((part, cpu) -> s.append(s.isEmpty() ? "" : ", ").append(part).append(' ')
                    .append(String.format("%.1f ms", cpu * 1000 / runs)));
            return s + String.format(" = %.1f ms of CPU per run; %.1f of %d cores busy", total() * 1000 / runs,
                    total() / wallSeconds, Runtime.getRuntime().availableProcessors());
        }
    }

    final class Reading {
        private final Map<String, Double> at = read();
        private final long nanos = System.nanoTime();

        Use since() {
            Map<String, Double> now = read();
            Map<String, Double> used = new LinkedHashMap<>();
            now.forEach((part, cpu) -> used.put(part, Math.max(0, cpu - at.getOrDefault(part, 0.0))));
            return new Use(used, (System.nanoTime() - nanos) / 1e9);
        }
    }

    Reading start() {
        return new Reading();
    }

    /**
     * Waits until the stack is quiet: less than {@code cores} of CPU over a {@code window}, or {@code max} has
     * passed. Filling a backlog through the API leaves the server and this harness compiling the code it made
     * hot (about 0.6 s of it, measured); a drain started at once would share the cores with that work, which the baselines'
     * backlogs (one SQL statement each) never cause. Answers how long it waited and the last window's use.
     */
    String awaitQuiet(double cores, Duration window, Duration max) throws InterruptedException {
        long start = System.nanoTime();
        Use last;
        do {
            Reading reading = start();
            Thread.sleep(window.toMillis());
            last = reading.since();
        } while (last.total() / last.wallSeconds() >= cores && System.nanoTime() - start < max.toNanos());
        return String.format("%.1f s until quiet (%.2f cores busy in the last %d ms)",
                (System.nanoTime() - start) / 1e9, last.total() / last.wallSeconds(), window.toMillis());
    }

    private Map<String, Double> read() {
        Map<String, Double> cpu = new LinkedHashMap<>();
        parts.forEach((part, processes) -> cpu.put(part, processes.get()
                .mapToDouble(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L) / 1e9).sum()));
        return cpu;
    }

    private static ProcessHandle postmaster(DataSource db) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return ProcessHandle.of(rs.getLong(1)).flatMap(ProcessHandle::parent)
                    .orElseThrow(() -> new IllegalStateException("PostgreSQL's postmaster is not a process we can see"));
        }
    }
}
