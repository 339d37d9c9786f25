package io.octvex.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The benchmark's settings; every one has a default that keeps a run to a few minutes. */
record Options(int runs, int edges, int capacity, int flowSeconds, Double rate, List<Integer> edgeCurve,
               List<Integer> depths, int depthSample, int approvals, int submitters, int rawWorkers, int rawBatch,
               int peerThreads, boolean jfr, boolean waits, boolean writeDoc, Path serverJar, Path edgeJar, Path results,
               int fillBatch, int edgeWarmup, boolean statements, int warmup, boolean serverAot,
               Integer aotRuns) {

    static final String USAGE = """
            Usage: ./octvex bench e2e [--runs N] [--edges N] [--capacity N] [--flow-seconds S] [--rate R]
                                      [--edge-curve 1,2,4] [--depths 1000,10000] [--approvals N]
                                      [--jfr] [--waits] [--statements] [--doc]
              --runs N           backlog drained by each system for the throughput ratio (default 2000)
              --warmup N         backlog each system drains first, unmeasured, so that the ratio compares
                                 warm JITs (default: --runs; 0: none, as before 2026-11-24 23:50)
              --edges N          edge processes for the headline figures (default 2)
              --capacity N       slots per edge (default 8)
              --flow-seconds S   duration of the open-loop latency phase (default 20)
              --rate R           its submissions per second (default: a quarter of the measured drain rate)
              --edge-curve LIST  also drain --runs with each number of edges (default: none)
              --depths LIST      then, with --edges edges, top the backlog up to each number of waiting
                                 steps and measure the drain rate over --depth-sample completions (default: none)
              --depth-sample N   completions measured at each depth (default 5000; the rest stays queued)
              --edge-warmup N    runs each phase's new edges complete before it measures (default 500; 0: cold
                                 edges, as before 2026-11-24 10:30); at a depth, the first N completions are skipped
              --approvals N      approval-path samples, one at a time (default 100; 0: none)
              --submitters N     concurrent API clients filling a backlog (default 8)
              --fill-batch N     fill backlogs through the batch submit, N runs per request (1-100;
                                 default: one run per request)
              --raw-workers N, --raw-batch N   the SKIP LOCKED loop (default 4 workers, batches of 16)
              --peer-threads N   db-scheduler's executor threads (default 16)
              --jfr              record the server and each edge with JDK Flight Recorder
                                 (bench/results/server.jfr, bench/results/bench-edge-N.jfr)
              --waits            sample the server's database sessions (pg_stat_activity) every 20 ms
                                 during the headline drain and the open loop; report what they wait on
              --statements       load pg_stat_statements and list the statements of the server's database
                                 by total time over the headline drain, its fill included
                                 (bench/results/statements.txt)
              --no-server-aot    start the measured server without the AOT cache `./octvex server` records on
                                 a first start (JDK 25+; by default a first server records it while it drains
                                 a backlog on a database of its own, and the measured server starts from it)
              --server-aot-runs N   the backlog that first server drains (default: the warm-up's size)
              --server-jar P, --edge-jar P   the jars to run (default: this tree's, as built); for
                                 comparing two builds back to back
              --doc              also write the figures into docs/benchmarks.md (between its e2e markers)
            """;

    static Options parse(String[] args) {
        int runs = 2000, edges = 2, capacity = 8, flowSeconds = 20, submitters = 8, rawWorkers = 4, rawBatch = 16;
        int peerThreads = 16, approvals = 100, depthSample = 5000, fillBatch = 0, edgeWarmup = 500;
        Integer warmup = null, aotRuns = null;
        Double rate = null;
        List<Integer> edgeCurve = List.of(), depths = List.of();
        Path serverJar = Path.of("sync-server/target/octvex-server.jar");
        Path edgeJar = Path.of("local-edge/target/octvex-edge.jar");
        boolean jfr = false, doc = false, waits = false, statements = false;
        boolean serverAot = Runtime.version().feature() >= 25; // the bench's JDK runs the server too
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--edges" -> edges = Integer.parseInt(args[++i]);
                case "--capacity" -> capacity = Integer.parseInt(args[++i]);
                case "--flow-seconds" -> flowSeconds = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                case "--edge-curve" -> edgeCurve = list(args[++i]);
                case "--depths" -> depths = list(args[++i]);
                case "--depth-sample" -> depthSample = Integer.parseInt(args[++i]);
                case "--edge-warmup" -> edgeWarmup = Integer.parseInt(args[++i]);
                case "--approvals" -> approvals = Integer.parseInt(args[++i]);
                case "--submitters" -> submitters = Integer.parseInt(args[++i]);
                case "--raw-workers" -> rawWorkers = Integer.parseInt(args[++i]);
                case "--raw-batch" -> rawBatch = Integer.parseInt(args[++i]);
                case "--peer-threads" -> peerThreads = Integer.parseInt(args[++i]);
                case "--fill-batch" -> fillBatch = Integer.parseInt(args[++i]);
                case "--jfr" -> jfr = true;
                case "--waits" -> waits = true;
                case "--statements" -> statements = true;
                case "--server-jar" -> serverJar = Path.of(args[++i]);
                case "--edge-jar" -> edgeJar = Path.of(args[++i]);
                case "--doc" -> doc = true;
                case "--no-server-aot" -> serverAot = false;
                case "--server-aot-runs" -> aotRuns = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
            }
        }
        return new Options(runs, edges, capacity, flowSeconds, rate, edgeCurve, depths, depthSample, approvals, submitters, rawWorkers,
                rawBatch, peerThreads, jfr, waits, doc, serverJar, edgeJar,
                Path.of("bench/results"), fillBatch, edgeWarmup, statements, warmup != null ? warmup : runs,
                serverAot, aotRuns);
    }

    /** The measured stack's warm-up drain: 200 runs at least, so that the stack works before it is measured. */
    int stackWarmup() {
        return Math.max(200, warmup);
    }

    /** The backlog the server that records the AOT cache drains: {@code --server-aot-runs}, else the warm-up's. */
    int serverAotRuns() {
        return aotRuns != null ? aotRuns : stackWarmup();
    }

    private static List<Integer> list(String csv) {
        return new ArrayList<>(Arrays.stream(csv.split(",")).map(String::strip).map(Integer::parseInt).toList());
    }
}
