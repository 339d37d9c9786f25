package io.octvex.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** The figures of one benchmark run as Markdown, with the machine, the load, the command and the date. */
final class Report {
    static final String BEGIN = "<!-- e2e:begin (written by ./octvex bench e2e --doc) -->";
    static final String END = "<!-- e2e:end -->";

    private final Options options;
    private final String command;
    private final Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private final String loadBefore = load();
    private Throughput raw;
    private Throughput peer;
    private Phases.Drain ours;
    private Throughput rawWarmup;
    private Throughput peerWarmup;
    private Phases.Drain oursWarmup;
    private Phases.Flow flow;
    private final List<Phases.Drain> edgeCurve = new ArrayList<>();
    private final List<Phases.Depth> depths = new ArrayList<>();
    private ApprovalPath.Result approvals;

    Report(Options options, String arguments) {
        this.options = options;
        this.command = ("./octvex bench e2e " + arguments).strip();
    }

    void raw(Throughput t) { raw = t; }

    void rawWarmup(Throughput t) { rawWarmup = t; }

    void peerWarmup(Throughput t) { peerWarmup = t; }

    void oursWarmup(Phases.Drain d) { oursWarmup = d; }

    void peer(Throughput t) { peer = t; }

    void ours(Phases.Drain d) { ours = d; }

    void flow(Phases.Flow f) { flow = f; }

    void edgeCurve(Phases.Drain d) { edgeCurve.add(d); }

    void depth(Phases.Depth d) { depths.add(d); }

    void approvals(ApprovalPath.Result a) { approvals = a; }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("Run ").append(started).append(" – ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
                .append(", `").append(command).append("`. ").append(machine()).append(serverJvm())
                .append(" Load average (1/5/15 min) ")
                .append(loadBefore).append(" before, ").append(load()).append(" after.\n\n");
        md.append("| System (backlog of ").append(options.runs())
                .append(options.warmup() > 0 ? ", after a warm-up drain of " + options.warmup() : "")
                .append(", same PostgreSQL) | done | span | per second | Octvex as a share |\n");
        md.append("|---|---|---|---|---|\n");
        double us = ours.execution().perSecond();
        md.append(row("**Octvex governed runs** (" + ours.edges() + " edges × " + options.capacity() + " slots)",
                ours.execution(), "—"));
        md.append(row("raw `SKIP LOCKED` loop (" + options.rawWorkers() + " workers, batches of " + options.rawBatch()
                + ")", raw, pct(us / raw.perSecond())));
        md.append(row("db-scheduler 16.7.1, lock-and-fetch (" + options.peerThreads() + " threads)", peer,
                pct(us / peer.perSecond())));
        if (oursWarmup != null && rawWarmup != null && peerWarmup != null) {
            md.append(String.format("%nThe warm-up drains (%d each, cold JITs, not in the table): Octvex %.0f, raw loop "
                    + "%.0f, db-scheduler %.0f per second (Octvex %.0f %% of db-scheduler).%n", options.warmup(),
                    oursWarmup.execution().perSecond(), rawWarmup.perSecond(), peerWarmup.perSecond(),
                    100 * oursWarmup.execution().perSecond() / peerWarmup.perSecond()));
        }
        md.append(String.format("%nEach governed run wrote %.1f audit events on average; %d policy decisions were "
                + "recorded for %d runs. Filling the backlog through the API: %.0f runs/s (%d clients).%n%n",
                ours.eventsPerRun(), ours.decisions(), options.runs(), ours.submission().perSecond(),
                options.submitters()));
        md.append(String.format("Open loop, %.0f runs/s offered for %d s with %d edges: %d runs, %.1f runs/s "
                        + "sustained (first submit to last completion).%n%n", flow.offered(), options.flowSeconds(),
                flow.edges(), flow.achieved().items(), flow.achieved().perSecond()));
        md.append("| Latency | p50 | p95 | p99 | max |\n|---|---|---|---|---|\n");
        md.append("| submit → complete | ").append(flow.submitToComplete().row()).append(" |\n");
        md.append("| enqueue → edge pickup | ").append(flow.enqueueToPickup().row()).append(" |\n");
        md.append("| pickup → complete | ").append(flow.pickupToComplete().row()).append(" |\n");
        if (ours.cpu() != null) {
            md.append("\nCPU time charged by the OS during the headline drain (edges enrolled → last run finished, ")
                    .append(String.format("%.1f s", ours.cpu().wallSeconds())).append("): ")
                    .append(ours.cpu().perRun(options.runs())).append(".\n");
        }
        if (ours.waits() != null) {
            md.append("\nDatabase sessions of the server (pg_stat_activity every ").append(WaitSampler.PERIOD_MILLIS)
                    .append(" ms), headline drain: ").append(ours.waits()).append(".\n");
        }
        if (flow.waits() != null) {
            md.append("\nOpen loop: ").append(flow.waits()).append(".\n");
        }
        if (!edgeCurve.isEmpty()) {
            md.append("\n| Edges (× ").append(options.capacity()).append(" slots), backlog ").append(options.runs())
                    .append(" | runs/s | CPU per run, by part |\n|---|---|---|\n");
            edgeCurve.forEach(d -> md.append(String.format("| %d | %.0f | %s |%n", d.edges(), d.execution().perSecond(),
                    d.cpu() == null ? "–" : d.cpu().perRun(options.runs()))));
        }
        if (!depths.isEmpty()) {
            md.append("\n| Waiting steps (").append(options.edges())
                    .append(" edges) | completions measured | runs/s | topped up through the API | API fill, runs/s |\n|---|---|---|---|---|\n");
            depths.forEach(d -> md.append(String.format("| %,d | %,d | %.0f | %,d | %s |%n", d.waitingBefore(),
                    d.execution().items(), d.execution().perSecond(), d.fill().items(),
                    d.fill().items() == 0 ? "–" : String.format("%.0f", d.fill().perSecond()))));
        }
        if (approvals != null) {
            md.append("\nApproval path, ").append(approvals.samples()).append(" samples one at a time, ")
                    .append(options.edges()).append(" edges:\n\n| Latency | p50 | p95 | p99 | max |\n|---|---|---|---|---|\n");
            md.append("| gate commit → `approval.requested` on the live stream | ").append(approvals.commitToStream().row()).append(" |\n");
            md.append("| approve call (request → answer) | ").append(approvals.approveCall().row()).append(" |\n");
            md.append("| approve → step leased again (`approval.used`) | ").append(approvals.approveToLease().row()).append(" |\n");
            md.append("| approve → run completed | ").append(approvals.approveToComplete().row()).append(" |\n");
        }
        return md.toString();
    }

    private static String row(String name, Throughput t, String share) {
        return String.format("| %s | %d | %.2f s | **%.0f** | %s |%n", name, t.items(), t.span().toNanos() / 1e9,
                t.perSecond(), share);
    }

    private static String pct(double ratio) {
        return String.format("%.2f× (%.0f %%)", ratio, ratio * 100);
    }

    private static String machine() {
        long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize() >> 30;
        return String.format("Machine: %d cores, %d GiB, %s %s, Java %s. Edge JVMs: `%s`.",
                Runtime.getRuntime().availableProcessors(), memory, System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("java.runtime.version"),
                String.join(" ", OctvexStack.edgeJavaOptions()));
    }

    private String serverJvm() {
        if (options.serverAot()) { // the run stops when the first server writes no cache
            return " Server JVM: from the AOT cache a first server recorded while it drained "
                    + options.serverAotRuns() + " runs, as `./octvex server` does (ADR 0043).";
        }
        return " Server JVM: no AOT cache.";
    }

    private static String load() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " / " + parts[1] + " / " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** Replaces what stands between the markers in {@code doc} with this run's figures. */
    void writeInto(Path doc) throws IOException {
        String text = Files.readString(doc);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException(doc + " has no " + BEGIN + " … " + END + " block");
        }
        Files.writeString(doc, text.substring(0, begin + BEGIN.length()) + "\n" + markdown() + text.substring(end));
    }
}
