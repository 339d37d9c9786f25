package io.octvex.edge.lease;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.octvex.protocol.EdgeState;
import io.octvex.protocol.Heartbeat;
import io.octvex.protocol.HeartbeatAck;
import io.octvex.protocol.Json;
import io.octvex.protocol.Lease;
import io.octvex.protocol.LeaseBatch;
import io.octvex.protocol.LeaseRef;
import io.octvex.protocol.LeaseRequest;
import io.octvex.protocol.ResultBatch;
import io.octvex.protocol.ResultBatchAck;
import io.octvex.protocol.ResultOutcome;
import io.octvex.protocol.StepResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/** Just enough of the edge API to drive the lease loop in unit tests. */
final class FakeEdgeServer implements AutoCloseable {
    static final Duration TTL = Duration.ofSeconds(3);

    final HttpServer server;
    final BlockingQueue<Lease> offers = new LinkedBlockingQueue<>();
    /** Steps handed out only with the answer to a result batch that asks for some ({@code lease}). */
    final BlockingQueue<Lease> refills = new LinkedBlockingQueue<>();
    /** The {@code lease} of every result batch (0 when absent), in order. */
    final List<Integer> refillAsked = new CopyOnWriteArrayList<>();
    /** The {@code maxSteps} of every lease request, in order. */
    final List<Integer> asked = new CopyOnWriteArrayList<>();
    final Map<UUID, StepResult> results = new ConcurrentHashMap<>();
    final List<Heartbeat> heartbeats = new CopyOnWriteArrayList<>();
    final List<String> progress = new CopyOnWriteArrayList<>();
    final Set<UUID> lost = ConcurrentHashMap.newKeySet();
    final Set<UUID> refuseReports = ConcurrentHashMap.newKeySet();
    /** How many result requests (single or batch) still get a 503, as while the database restarts. */
    final java.util.concurrent.atomic.AtomicInteger unavailableResults = new java.util.concurrent.atomic.AtomicInteger();
    /** How many lease requests still get a 503, with {@link #retryAfter} as its Retry-After (none if null). */
    final java.util.concurrent.atomic.AtomicInteger unavailableLeases = new java.util.concurrent.atomic.AtomicInteger();
    volatile String retryAfter;
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    /** Sizes of the result batches received ({@code POST results}). */
    final java.util.concurrent.atomic.AtomicInteger singles = new java.util.concurrent.atomic.AtomicInteger();
    final List<Integer> batches = new CopyOnWriteArrayList<>();
    /** An older server: no {@code results} endpoint (404), one result per request. */
    volatile boolean noBatches;
    volatile long resultDelayMillis;
    volatile boolean revoked;
    volatile boolean drain;
    volatile EdgeState state = EdgeState.ACTIVE;

    FakeEdgeServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/api/v1/edge/", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    static Lease lease(String handler, JsonNode input) {
        return new Lease(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "s1", handler, "do", input, 1, 7,
                Instant.now().plus(TTL), null, null);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            String path = ex.getRequestURI().getPath().substring("/api/v1/edge/".length());
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (revoked) {
                problem(ex, 401, "edge token refused");
                return;
            }
            if (path.equals("leases") && unavailableLeases.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                if (retryAfter != null) {
                    ex.getResponseHeaders().add("Retry-After", retryAfter);
                }
                problem(ex, 503, "the server cannot reach its database right now");
            } else if (path.equals("leases")) {
                LeaseRequest request = Json.read(body, LeaseRequest.class);
                asked.add(request.maxSteps());
                List<Lease> granted = new ArrayList<>();
                Lease first = drain ? null : offers.poll(Math.min(request.waitSeconds(), 1), TimeUnit.SECONDS);
                if (first != null) {
                    granted.add(first);
                    offers.drainTo(granted, request.maxSteps() - 1);
                }
                json(ex, 200, new LeaseBatch(granted, drain));
            } else if (path.equals("heartbeat")) {
                Heartbeat hb = Json.read(body, Heartbeat.class);
                heartbeats.add(hb);
                List<LeaseRef> gone = hb.leases().stream().filter(r -> lost.contains(r.stepId())).toList();
                List<LeaseRef> kept = hb.leases().stream().filter(r -> !lost.contains(r.stepId())).toList();
                json(ex, 200, new HeartbeatAck(kept, gone, Instant.now().plus(TTL), state));
            } else if (path.equals("results") && !noBatches) {
                if (unavailableResults.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    if (retryAfter != null) {
                        ex.getResponseHeaders().add("Retry-After", retryAfter);
                    }
                    problem(ex, 503, "the server cannot reach its database right now");
                    return;
                }
                Thread.sleep(resultDelayMillis);
                ResultBatch batch = Json.read(body, ResultBatch.class);
                batches.add(batch.results().size());
                List<ResultOutcome> outcomes = new ArrayList<>();
                for (ResultBatch.BatchedResult r : batch.results()) {
                    if (refuseReports.contains(r.stepId())) {
                        outcomes.add(new ResultOutcome(r.stepId(), ResultOutcome.FENCED, "stale lease epoch"));
                    } else {
                        results.put(r.stepId(), r.toResult());
                        outcomes.add(new ResultOutcome(r.stepId(), ResultOutcome.RECORDED, null));
                    }
                }
                int wanted = batch.lease() == null ? 0 : batch.lease();
                refillAsked.add(wanted);
                List<Lease> refilled = new ArrayList<>();
                if (!drain) {
                    refills.drainTo(refilled, wanted);
                }
                json(ex, 200, new ResultBatchAck(outcomes, refilled, drain));
            } else if (path.startsWith("steps/")) {
                String[] parts = path.split("/");
                UUID stepId = UUID.fromString(parts[1]);
                if (refuseReports.contains(stepId)) {
                    problem(ex, 409, "stale lease epoch");
                    return;
                }
                if (parts[2].equals("result") && unavailableResults.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    problem(ex, 503, "the server cannot reach its database right now");
                    return;
                }
                switch (parts[2]) {
                    case "result" -> {
                        Thread.sleep(resultDelayMillis);
                        results.put(stepId, Json.read(body, StepResult.class));
                        singles.incrementAndGet();
                    }
                    case "progress" -> progress.add(Json.tree(body).path("message").asString());
                    default -> { }
                }
                ex.sendResponseHeaders(204, -1);
            } else {
                problem(ex, 404, "no such endpoint");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void json(HttpExchange ex, int status, Object value) throws IOException {
        byte[] bytes = Json.write(value).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static void problem(HttpExchange ex, int status, String detail) throws IOException {
        byte[] bytes = ("{\"type\":\"about:blank\",\"title\":\"refused\",\"status\":" + status + ",\"detail\":\""
                + detail + "\",\"extra\":1}").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/problem+json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
