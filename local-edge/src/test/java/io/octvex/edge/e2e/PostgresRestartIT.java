package io.octvex.edge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.EdgeView;
import io.octvex.protocol.Json;
import io.octvex.protocol.OctvexApiException;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.OctvexConnectionException;
import io.octvex.protocol.ProtocolVersion;
import io.octvex.protocol.RetryPolicy;
import io.octvex.protocol.RunStatus;
import io.octvex.protocol.StepSpec;
import io.octvex.protocol.SubmitRun;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server in external-database mode, its PostgreSQL taken away under load and given back: once with a fast
 * shutdown ({@code pg_ctl stop -m fast}), once with SIGKILL of the postmaster and its backends. Two edges work and
 * a client submits a run every 100 ms throughout. Nobody restarts the server or the edges. Afterwards: every submit
 * that was answered 2xx is there and its step completed exactly once; every submit refused during an outage got a
 * 503 problem that says the database is unavailable (never a 500); the health endpoint said DOWN during each outage
 * and UP after it; runs submitted after each restart complete; the audit hash chain is intact.
 */
class PostgresRestartIT {
    /** Longer than the server's 5 s wait for a connection: requests made at the outage's start must be refused. */
    private static final Duration OUTAGE = Duration.ofSeconds(8);
    private static final Duration LOAD_BETWEEN = Duration.ofSeconds(4);

    private final List<Processes.Running> edges = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Processes.Running server;
    private Postgres postgres;
    private Watchdog watchdog;

    @AfterEach
    void stop() throws Exception {
        if (watchdog != null) {
            watchdog.close();
        }
        for (Processes.Running edge : edges) {
            edge.process().destroyForcibly();
        }
        if (server != null) {
            server.close();
        }
        if (postgres != null) {
            postgres.stop();
        }
    }

    @Test
    void theServerAndItsEdgesRecoverFromAPostgresRestartAndLoseNothingAcknowledged() throws Exception {
        Path root = Files.createTempDirectory("octvex-pg-restart-it-");
        postgres = Postgres.start(root.resolve("pgdata"), freePort());
        Path home = root.resolve("server-home");
        Files.createDirectories(home);
        server = Processes.startServer(home, "--octvex.database.url=" + postgres.jdbcUrl(),
                "--octvex.database.user=postgres", "--octvex.database.password=postgres",
                "--octvex.fleet.lease-ttl=3s", "--octvex.fleet.placement-grace=300ms",
                "--octvex.fleet.live-window=10s");
        String url = Processes.awaitServerUrl(server, home, Deadline.SERVER_START);
        String token = OctvexClient.connect(url).login("admin", Processes.ADMIN_PASSWORD).token();
        OctvexClient admin = OctvexClient.connect(url).withToken(token);
        UUID workspace = admin.workspaces().getFirst().id();
        String enrolment = new AdminHttp(url, token).enrolmentToken(workspace, "pg-restart", 2);
        for (int i = 0; i < 2; i++) {
            edges.add(Processes.startEdge(root.resolve("edge-" + i), "edge-" + i, List.of("--server", url,
                    "--enroll", enrolment, "--name", "pg-" + i, "--capacity", "2", "--wait")));
        }
        Deadline.await("both edges are live", Deadline.SERVER_START, () -> new AdminHttp(url, token)
                .edges(workspace).stream().filter(EdgeView::healthy).count() == 2, () -> edges.getFirst().output());

        Set<UUID> acknowledged = ConcurrentHashMap.newKeySet();
        Map<Integer, AtomicInteger> refusals = new ConcurrentHashMap<>();
        List<String> wrongRefusals = new CopyOnWriteArrayList<>();
        AtomicReference<UUID> latest = new AtomicReference<>();
        AtomicBoolean loading = new AtomicBoolean(true);
        Thread submitter = Thread.ofVirtual().start(() -> {
            for (int n = 0; loading.get(); n++) {
                try {
                    UUID id = admin.submitRun(workspace, run(n)).id();
                    acknowledged.add(id);
                    latest.set(id);
                } catch (OctvexApiException e) {
                    refusals.computeIfAbsent(e.status(), s -> new AtomicInteger()).incrementAndGet();
                    String detail = e.problem().detail() == null ? "" : e.problem().detail();
                    if (e.status() != 503 || !detail.contains("database")) {
                        wrongRefusals.add(e.status() + ": " + e.problem());
                    }
                } catch (OctvexConnectionException e) {
                    wrongRefusals.add("no answer: " + e.getMessage()); // the server itself never went away
                }
                sleepQuietly(100);
            }
        });
        List<int[]> health = new CopyOnWriteArrayList<>(); // {phase, status}: phase 2k+1 = during outage k
        AtomicInteger phase = new AtomicInteger();
        Thread healthWatch = Thread.ofVirtual().start(() -> {
            while (loading.get()) {
                health.add(new int[] {phase.get(), healthStatus(url)});
                sleepQuietly(250);
            }
        });

        // each outage stops progress for its 8 s and the recovery; a minute without any is a stall
        watchdog = new Watchdog("PostgresRestartIT", Duration.ofSeconds(60),
                new Progress(admin, workspace, (edge, at) -> true)::count,
                () -> !admin.runs(workspace, RunStatus.QUEUED, 1).runs().isEmpty()
                        || !admin.runs(workspace, RunStatus.RUNNING, 1).runs().isEmpty(),
                () -> List.of(server, edges.getFirst()),
                () -> "edges: " + Json.write(new AdminHttp(url, token).edges(workspace)));
        List<String> recoveries = new ArrayList<>();
        List<Integer> healthAfter = new ArrayList<>();
        String[] kinds = {"fast shutdown", "SIGKILL of the postmaster"};
        for (int outage = 0; outage < kinds.length; outage++) {
            Thread.sleep(LOAD_BETWEEN.toMillis());
            phase.incrementAndGet();
            if (outage == 0) {
                postgres.stop();
            } else {
                postgres.kill();
            }
            Thread.sleep(OUTAGE.toMillis());
            long restart = System.nanoTime();
            postgres.start();
            phase.incrementAndGet();
            int ackedBefore = acknowledged.size();
            Deadline.await("a submit is acknowledged after PostgreSQL is back (" + kinds[outage] + ")",
                    Duration.ofSeconds(60), () -> acknowledged.size() > ackedBefore,
                    () -> Deadline.tail(server.output(), 4000));
            long submitting = System.nanoTime();
            UUID after = latest.get();
            Deadline.await("a run submitted after the restart completes (" + kinds[outage] + ")",
                    Duration.ofSeconds(90), () -> {
                        watchdog.check();
                        return admin.run(workspace, after).status() == RunStatus.COMPLETED;
                    },
                    () -> edges.getFirst().output() + Deadline.tail(server.output(), 4000));
            recoveries.add("%s: submits accepted %.1f s and runs completing %.1f s after PostgreSQL started".formatted(
                    kinds[outage], (submitting - restart) / 1e9, (System.nanoTime() - restart) / 1e9));
            // asked here, not left to the sampler: a recovery can end before its next sample
            healthAfter.add(healthStatus(url));
        }
        loading.set(false);
        assertThat(submitter.join(Duration.ofSeconds(70))).as("the submitter stopped").isTrue();
        assertThat(healthWatch.join(Duration.ofSeconds(10))).as("the health watch stopped").isTrue();

        assertThat(wrongRefusals).as("every refused submit is a 503 that names the database").isEmpty();
        assertThat(refusals.getOrDefault(503, new AtomicInteger()).get()).as("submits refused during the outages")
                .isPositive();
        for (int outage = 0; outage < kinds.length; outage++) {
            int during = 2 * outage + 1;
            assertThat(health).as("/actuator/health during the %s", kinds[outage])
                    .anySatisfy(s -> assertThat(s).containsExactly(during, 503));
            assertThat(healthAfter.get(outage)).as("/actuator/health after the %s", kinds[outage]).isEqualTo(200);
        }
        Deadline.await("every acknowledged run completes", Duration.ofSeconds(120), () -> acknowledged.stream()
                        .allMatch(id -> admin.run(workspace, id).status() == RunStatus.COMPLETED),
                () -> Deadline.tail(server.output(), 4000));
        History history = History.read(admin, workspace);
        assertThat(history.leaseViolations()).isEmpty();
        assertThat(history.completions()).as("each acknowledged run's step completed once")
                .hasSizeGreaterThanOrEqualTo(acknowledged.size()).allSatisfy((step, n) -> assertThat(n).isOne());
        assertThat(admin.verifyChain(workspace).intact()).as("the audit hash chain").isTrue();
        for (Processes.Running edge : edges) {
            assertThat(edge.process().isAlive()).as("edges ride out the outages:\n" + edge.output()).isTrue();
        }
        System.out.printf("PostgresRestartIT: %d runs acknowledged, refused %s, %d steps completed, %d health "
                        + "samples; %s%n", acknowledged.size(), refusals, history.completions().size(), health.size(),
                recoveries);
    }

    /** One short noop step. */
    private static SubmitRun run(int n) {
        return new SubmitRun("pg restart load " + n, null, List.of(new StepSpec("a", "noop", "run",
                Json.tree("{\"sleepMillis\": 200}"), List.of(), null, new RetryPolicy(20, 0))));
    }

    private int healthStatus(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url + "/actuator/health"))
                    .header(ProtocolVersion.HEADER, Integer.toString(ProtocolVersion.CURRENT))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
