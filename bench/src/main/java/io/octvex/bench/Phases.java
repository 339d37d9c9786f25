package io.octvex.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/** The measurements of the governed path, each with its own edges, all on one server. */
final class Phases {
    /** A drain starts once the stack is this quiet after its fill (see {@link CpuMeter#awaitQuiet}). */
    private static final double QUIET_CORES = 0.15;
    private static final Duration QUIET_WINDOW = Duration.ofMillis(300);
    private static final Duration QUIET_MAX = Duration.ofSeconds(20);

    private final OctvexStack stack;
    private final GovernedRuns runs;
    private final Path edgeJar;
    private final int capacity;
    private final int submitters;
    private final DataSource db;
    private boolean sampleWaits;
    private int edgeWarmup;
    private CpuMeter cpu;

    Phases(OctvexStack stack, GovernedRuns runs, Path edgeJar, int capacity, int submitters, DataSource db) {
        this.db = db;
        this.stack = stack;
        this.runs = runs;
        this.edgeJar = edgeJar;
        this.capacity = capacity;
        this.submitters = submitters;
    }

    /**
     * Runs each phase's new edges through {@code runs} runs before it measures: a fleet's edges are long-lived,
     * so their JIT warm-up (several ms of CPU per run at first) is not what a drain costs. 0: cold edges.
     */
    void warmEdges(int runs) {
        edgeWarmup = runs;
    }

    /** Starts the edges, warms them up, and holds them (quarantined, connected) until the caller releases them. */
    private void startHeldEdges(int edges) throws Exception {
        stack.startEdges(edgeJar, edges, capacity);
        if (edgeWarmup > 0) {
            runs.awaitFinished(runs.backlog(edgeWarmup, submitters), Duration.ofMinutes(10));
        }
        stack.holdEdges();
    }

    /** Drains from now on also measure the CPU time of each part of the stack. */
    void measureCpu(CpuMeter meter) {
        cpu = meter;
    }

    /** Whether the next phases sample the database's wait events. */
    void sampleWaits(boolean on) {
        sampleWaits = on;
    }

    /** A backlog drained by edges started after it was submitted. */
    record Drain(int edges, Throughput submission, Throughput execution, double eventsPerRun, long decisions,
                 WaitSampler.Waits waits, CpuMeter.Use cpu) {}

    /** Open-loop load at a fixed rate, edges already running. */
    record Flow(int edges, double offered, Throughput achieved, Percentiles submitToComplete,
                Percentiles enqueueToPickup, Percentiles pickupToComplete, WaitSampler.Waits waits) {}

    Drain drain(int count, int edges) throws Exception {
        startHeldEdges(edges);
        Instant before = Instant.now();
        List<GovernedRuns.Submitted> submitted = runs.backlog(count, submitters);
        Throughput submission = new Throughput("API submit, " + submitters + " clients"
                + (runs.fillBatch() > 1 ? " (batches of " + runs.fillBatch() + ")" : ""), count,
                Duration.between(before, Instant.now()));
        WaitSampler.Waits waits;
        CpuMeter.Use used = null;
        if (cpu != null) {
            System.out.println("bench: after the fill, " + cpu.awaitQuiet(QUIET_CORES, QUIET_WINDOW, QUIET_MAX));
        }
        try (WaitSampler sampler = WaitSampler.start(db, sampleWaits)) {
            CpuMeter.Reading reading = cpu == null ? null : cpu.start(); // edges up: their start-up is not in it
            stack.releaseEdges();
            System.out.println("bench: " + edges + " edges released to drain " + count + " runs"); // a mark for profilers
            runs.awaitFinished(submitted, Duration.ofMinutes(20));
            used = reading == null ? null : reading.since();
            waits = WaitSampler.waitsOf(sampler);
        } finally {
            stack.stopEdges();
        }
        List<GovernedRuns.Timing> timings = runs.timings(submitted);
        Instant firstPickup = timings.stream().map(GovernedRuns.Timing::placed).min(Comparator.naturalOrder()).orElseThrow();
        Instant lastDone = timings.stream().map(GovernedRuns.Timing::completed).max(Comparator.naturalOrder()).orElseThrow();
        double events = timings.stream().mapToInt(GovernedRuns.Timing::events).average().orElse(0);
        System.out.println("bench: drain with " + edges + " edges: " + runs.transactionSizes(submitted));
        return new Drain(edges, submission,
                new Throughput("Octvex governed runs", count, Duration.between(firstPickup, lastDone)), events,
                runs.decisions(submitted), waits, used);
    }

    Flow flow(double perSecond, Duration duration, int edges) throws Exception {
        startHeldEdges(edges);
        stack.releaseEdges();
        List<GovernedRuns.Submitted> submitted;
        WaitSampler.Waits waits;
        try (WaitSampler sampler = WaitSampler.start(db, sampleWaits)) {
            submitted = runs.atRate(perSecond, duration);
            runs.awaitFinished(submitted, Duration.ofMinutes(10));
            waits = WaitSampler.waitsOf(sampler);
        } finally {
            stack.stopEdges();
        }
        List<GovernedRuns.Timing> timings = runs.timings(submitted);
        Instant first = timings.stream().map(GovernedRuns.Timing::submitted).min(Comparator.naturalOrder()).orElseThrow();
        Instant last = timings.stream().map(GovernedRuns.Timing::completed).max(Comparator.naturalOrder()).orElseThrow();
        return new Flow(edges, perSecond,
                new Throughput("Octvex governed runs", timings.size(), Duration.between(first, last)),
                Percentiles.of(timings.stream().map(t -> millis(t.submitted(), t.completed())).toList()),
                Percentiles.of(timings.stream().map(t -> millis(t.queued(), t.placed())).toList()),
                Percentiles.of(timings.stream().map(t -> millis(t.placed(), t.completed())).toList()), waits);
    }

    /** The drain rate with {@code depth} steps waiting: {@code sample} completions after the edges' warm-up. */
    record Depth(int depth, long waitingBefore, Throughput fill, Throughput execution, long waitingAfter) {}

    /**
     * Tops the backlog up to {@code depth} waiting steps (what earlier depths left counts), starts the edges and
     * measures {@code sample} completions after their first warm-up ones: a deep queue is measured without
     * draining it all, so 100k fits a benchmark run. The rest stays queued for the next, deeper phase.
     */
    Depth depth(int depth, int sample, int edges) throws Exception {
        long waiting = runs.waiting();
        int fill = (int) Math.max(0, depth - waiting);
        Instant before = Instant.now();
        runs.backlog(fill, submitters);
        Throughput filled = new Throughput("API submit, " + submitters + " clients", fill,
                Duration.between(before, Instant.now()));
        int skipped = (int) Math.min(edgeWarmup, (waiting + fill) / 4); // warm-up, as the drains have
        int measured = (int) Math.min(sample, waiting + fill - skipped);
        long after = runs.lastSeq();
        Throughput execution;
        stack.startEdges(edgeJar, edges, capacity);
        try {
            execution = new Throughput("Octvex governed runs", measured, runs.awaitCompletions(after, skipped,
                    measured, Duration.ofMinutes(20)));
        } finally {
            stack.stopEdges();
        }
        return new Depth(depth, waiting + fill, filled, execution, runs.waiting());
    }

    /** The approval path ({@link ApprovalPath}), edges running; it leaves the approval policy active. */
    ApprovalPath.Result approvals(ApprovalPath path, int samples, int edges) throws Exception {
        startHeldEdges(edges);
        try {
            stack.releaseEdges();
            return path.measure(samples);
        } finally {
            stack.stopEdges();
        }
    }

    private static double millis(Instant from, Instant to) {
        return Duration.between(Objects.requireNonNull(from), Objects.requireNonNull(to)).toNanos() / 1e6;
    }
}
