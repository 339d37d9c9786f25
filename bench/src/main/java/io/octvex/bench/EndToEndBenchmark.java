package io.octvex.bench;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Governed runs end to end against two baselines, all on one PostgreSQL: see docs/benchmarks.md. Run it from
 * the repository root as {@code ./octvex bench e2e} (which builds the jars first).
 */
public final class EndToEndBenchmark {
    private EndToEndBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (java.util.Arrays.asList(args).contains("--help")) {
            System.out.print(Options.USAGE);
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Report report = new Report(options, String.join(" ", args));
        Path work = Files.createTempDirectory("octvex-bench-");
        Path serverCache = work.resolve("training/server.aot");
        Files.createDirectories(options.results());
        say("working in " + work);
        try (BenchDatabase db = BenchDatabase.start(work.resolve("pgdata"), options.statements())) {
            say("PostgreSQL on port " + db.port());
            try (HikariDataSource baseline = db.pool("baseline", Math.max(options.rawWorkers(), options.peerThreads()) + 4)) {
                var raw = new SkipLockedBaseline(baseline, options.rawWorkers(), options.rawBatch());
                var peer = new DbSchedulerBaseline(baseline, options.peerThreads());
                if (options.warmup() > 0) { // the same warm-up for every system: the ratio compares warm JITs
                    report.rawWarmup(say(raw.drain(options.warmup())));
                    report.peerWarmup(say(peer.drain(options.warmup())));
                }
                report.raw(say(raw.drain(options.runs())));
                report.peer(say(peer.drain(options.runs())));
            }
            List<String> jvm = new ArrayList<>();
            if (options.jfr()) {
                jvm.add("-XX:StartFlightRecording=filename=" + options.results().toAbsolutePath().resolve("server.jfr")
                        + ",settings=profile,dumponexit=true");
            }
            String serverJvm = System.getenv("OCTVEX_BENCH_SERVER_JVM"); // more server JVM options, for profiling
            if (serverJvm != null && !serverJvm.isBlank()) {
                jvm.addAll(List.of(serverJvm.trim().split("\\s+")));
            }
            int warmup = options.stackWarmup();
            if (options.serverAot()) {
                jvm.addAll(recordServerCache(serverCache, options, db));
            }
            try (OctvexStack stack = OctvexStack.start(work, options.serverJar(), db, "octvex", jvm);
                 HikariDataSource octvex = db.pool("octvex", 4)) {
                say("server up (pid " + stack.serverPid() + ")");
                if (options.jfr()) {
                    stack.recordEdges(options.results());
                }
                Phases phases = new Phases(stack, new GovernedRuns(stack.admin(), stack.workspace(), octvex,
                        options.fillBatch()),
                        options.edgeJar(), options.capacity(), options.submitters(), octvex);
                say("warm-up: " + warmup + " runs");
                Phases.Drain warm = phases.drain(warmup, options.edges());
                if (options.warmup() > 0) {
                    report.oursWarmup(warm);
                }
                phases.sampleWaits(options.waits());
                phases.measureCpu(new CpuMeter(stack, octvex));
                phases.warmEdges(options.edgeWarmup());
                StatementStats statements = options.statements() ? StatementStats.reset(octvex) : null;
                Phases.Drain drain = phases.drain(options.runs(), options.edges());
                if (statements != null) {
                    String top = statements.top(options.runs());
                    Files.writeString(options.results().resolve("statements.txt"), top);
                    say("statements of the headline drain (bench/results/statements.txt):\n" + top);
                }
                say(drain.submission());
                report.ours(say(drain));
                double rate = options.rate() != null ? options.rate() : Math.max(1, drain.execution().perSecond() / 4);
                report.flow(say(phases.flow(rate, Duration.ofSeconds(options.flowSeconds()), options.edges())));
                phases.sampleWaits(false);
                for (int edges : options.edgeCurve()) {
                    report.edgeCurve(say(phases.drain(options.runs(), edges)));
                }
                if (options.approvals() > 0) {
                    report.approvals(say(phases.approvals(new ApprovalPath(stack.admin(), stack.workspace(), octvex),
                            options.approvals(), options.edges())));
                    stack.admin().savePolicy(stack.workspace(), ApprovalPath.WITHOUT_APPROVALS, true);
                }
                for (int depth : options.depths()) { // last: each leaves the steps it did not measure queued
                    report.depth(say(phases.depth(depth, options.depthSample(), options.edges())));
                }
            }
        } finally {
            Files.deleteIfExists(serverCache); // 100+ MB that nothing reads again; the logs stay
            say("logs of this run: " + work);
        }
        String markdown = report.markdown();
        Files.writeString(options.results().resolve("e2e.md"), markdown);
        System.out.println(markdown);
        if (options.writeDoc()) {
            report.writeInto(Path.of("docs/benchmarks.md"));
            say("figures written into docs/benchmarks.md");
        }
        System.exit(0); // db-scheduler and the HTTP client leave non-daemon threads behind
    }

    private static <T> T say(T what) {
        System.err.println("bench: " + what);
        return what;
    }

    /**
     * The AOT cache `./octvex server` records on a first start (ADR 0043), made the same way: a first server, on
     * a database of its own, drains {@code --server-aot-runs} runs with JDK 25's {@code -XX:AOTCacheOutput} and
     * writes the cache as it stops. Returns the options the measured server starts from it with.
     */
    private static List<String> recordServerCache(Path cache, Options options, BenchDatabase db) throws Exception {
        int runs = options.serverAotRuns();
        Path root = cache.getParent();
        Files.createDirectories(root);
        say("recording the server's AOT cache: a first server drains " + runs + " runs");
        try (OctvexStack stack = OctvexStack.start(root, options.serverJar(), db, "octvex_training",
                     List.of("-XX:AOTCacheOutput=" + cache, "-Xlog:aot*=error"));
             HikariDataSource pool = db.pool("octvex_training", 4)) {
            var runsOfFirst = new GovernedRuns(stack.admin(), stack.workspace(), pool, options.fillBatch());
            new Phases(stack, runsOfFirst, options.edgeJar(), options.capacity(), options.submitters(), pool)
                    .drain(runs, options.edges());
        } // the first server writes the cache as it stops
        if (!Files.isRegularFile(cache) || Files.exists(Path.of(cache + ".config"))) {
            throw new IllegalStateException("the first server wrote no AOT cache; see " + root.resolve("server.log"));
        }
        say("AOT cache written: " + (Files.size(cache) >> 20) + " MiB");
        return List.of("-XX:AOTCache=" + cache, "-Xlog:aot*=error");
    }
}
