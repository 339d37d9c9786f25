package io.octvex.desk.e2e;

import io.octvex.desk.approvals.ApprovalItem;
import io.octvex.desk.approvals.ApprovalsApi;
import io.octvex.desk.approvals.ApprovalsModel;
import io.octvex.desk.cache.DeskCache;
import io.octvex.desk.notify.DeskNotifications;
import io.octvex.desk.screen.LiveSync;
import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.OctvexClient;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * Gate commit → notification: the real server jar holds a step for approval (a policy rule, an edge's lease
 * request), and the time is taken from the approval's {@code requestedAt} (the server's clock, the same
 * machine's) to the {@code Notify} call arriving at a notification server on a private D-Bus session bus,
 * raised by the Desk's own inbox model and notifications. Each sample's run is cancelled afterwards, so the
 * inbox stays short. Run it as {@code ./octvex bench notify [SAMPLES] [WARMUP]}.
 */
public final class NotifyLatencyBenchmark {
    private NotifyLatencyBenchmark() {}

    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 250;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path out = Path.of(System.getProperty("bench.out", "bench/results/desk-notify.json"));
        Path root = Files.createTempDirectory("octvex-bench-notify-");
        try (NotificationServer bus = NotificationServer.start(root.resolve("dbus"));
             ServerProcess server = ServerProcess.start(root.resolve("server-home"))) {
            ApprovalWorld world = ApprovalWorld.setUp(server.url());
            OctvexClient ada = OctvexClient.connect(server.url());
            ada = ada.withToken(ada.login(ApprovalWorld.APPROVER, ApprovalWorld.APPROVER_PASSWORD).token());
            var io = Executors.newVirtualThreadPerTaskExecutor();
            var fx = Executors.newSingleThreadExecutor();
            var timer = Executors.newSingleThreadScheduledExecutor();
            DeskNotifications notifications = DeskNotifications.choose(
                    Map.of("DBUS_SESSION_BUS_ADDRESS", bus.address()), new NoActions(), () -> true);
            System.out.println("notifications: " + notifications.describe());
            var model = new ApprovalsModel(ApprovalsApi.of(ada, world.workspace), io, fx, timer,
                    Duration.ofMillis(150), Clock.systemUTC(),
                    new DeskCache(root.resolve("desk-data")).slot(java.net.URI.create(server.url()), world.workspace),
                    notifications::loaded);
            model.start();
            while (model.syncProperty().get() != LiveSync.LIVE) {
                Thread.sleep(20);
            }
            double[] millis = new double[samples];
            for (int i = -warmup; i < samples; i++) {
                ApprovalView approval = world.pendingApproval("bench " + i, "https://approve.example/bench/" + i);
                NotificationServer.Call call = bus.next(30);
                if (!call.summary().endsWith("/bench/" + i)) {
                    throw new IllegalStateException("out of order: " + call.summary() + " for sample " + i);
                }
                if (i >= 0) {
                    millis[i] = Duration.between(approval.requestedAt(), call.arrivedAt()).toNanos() / 1e6;
                }
                world.admin.cancelRun(world.workspace, approval.runId(), "benchmark sample done");
                while (!fx.submit(() -> model.pending().isEmpty()).get()) {
                    Thread.sleep(5);
                }
            }
            model.close();
            notifications.close();
            report(millis, warmup, out);
            io.shutdownNow();
            fx.shutdownNow();
            timer.shutdownNow();
        }
    }

    private static void report(double[] millis, int warmup, Path out) throws Exception {
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        int cores = Runtime.getRuntime().availableProcessors();
        String line = String.format(Locale.ROOT,
                "gate commit -> Notify over %d samples (after %d warm-up): p50 %.1f ms, p95 %.1f ms, p99 %.1f ms,"
                        + " max %.1f ms; %d cores, load average %.2f",
                sorted.length, warmup, pct(sorted, 50), pct(sorted, 95), pct(sorted, 99), sorted[sorted.length - 1],
                cores, load);
        System.out.println(line);
        List<String> values = new ArrayList<>();
        for (double m : millis) {
            values.add(String.format(Locale.ROOT, "%.3f", m));
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, String.format(Locale.ROOT, """
                {"benchmark":"desk-notify","date":"%s","samples":%d,"warmup":%d,"unit":"ms",
                 "p50":%.3f,"p95":%.3f,"p99":%.3f,"max":%.3f,"cores":%d,"loadAverage":%.2f,
                 "java":"%s","values":[%s]}
                """, Instant.now(), sorted.length, warmup, pct(sorted, 50), pct(sorted, 95), pct(sorted, 99),
                sorted[sorted.length - 1], cores, load, System.getProperty("java.version"), String.join(",", values)));
        System.out.println("written: " + out);
    }

    /** Nearest-rank percentile. */
    private static double pct(double[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static final class NoActions implements DeskNotifications.Actions {
        @Override
        public void open(ApprovalItem item) {}

        @Override
        public void approve(ApprovalItem item) {}

        @Override
        public void deny(ApprovalItem item) {}
    }
}
