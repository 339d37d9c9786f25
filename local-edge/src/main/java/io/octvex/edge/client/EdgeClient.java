package io.octvex.edge.client;

import io.octvex.protocol.ActionCheck;
import io.octvex.protocol.ActionVerdict;
import io.octvex.protocol.ArtifactUpload;
import io.octvex.protocol.RedeemCredential;
import io.octvex.protocol.SealedCredential;
import io.octvex.protocol.ArtifactView;
import io.octvex.protocol.CheckpointReport;
import io.octvex.protocol.EdgeEnrolled;
import io.octvex.protocol.EdgeView;
import io.octvex.protocol.EnrollEdge;
import io.octvex.protocol.Heartbeat;
import io.octvex.protocol.HeartbeatAck;
import io.octvex.protocol.Json;
import io.octvex.protocol.LeaseBatch;
import io.octvex.protocol.LeaseRequest;
import io.octvex.protocol.OctvexApiException;
import io.octvex.protocol.OctvexConnectionException;
import io.octvex.protocol.Problem;
import io.octvex.protocol.ProgressReport;
import io.octvex.protocol.ProtocolVersion;
import io.octvex.protocol.ResultBatch;
import io.octvex.protocol.ResultBatchAck;
import io.octvex.protocol.StepResult;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import tools.jackson.core.JacksonException;

/**
 * The edge's side of the wire: enrolment and the {@code /api/v1/edge/…} endpoints, authenticated with the
 * edge's own token. Thread-safe. Errors surface as the protocol's {@link OctvexApiException} (with the
 * server's problem details) and {@link OctvexConnectionException} (server unreachable or too slow).
 *
 * <p>Nothing here logs; callers log outcomes and must never log the token or any header value.
 */
public final class EdgeClient {
    private static final String EDGE = "/api/v1/edge";
    /** Ordinary calls; a long-poll gets its wait on top of this. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);

    private final URI base;
    private final String token;
    private final HttpClient http;

    private EdgeClient(URI base, String token, HttpClient http) {
        this.base = base;
        this.token = token;
        this.http = http;
    }

    /** A client for enrolment only (no token yet). */
    public static EdgeClient anonymous(URI server) {
        return new EdgeClient(strip(server), null, newHttpClient());
    }

    /** A client acting as the enrolled edge. */
    public static EdgeClient authenticated(URI server, String edgeToken) {
        return new EdgeClient(strip(server), Objects.requireNonNull(edgeToken, "edgeToken"), newHttpClient());
    }

    public URI server() {
        return base;
    }

    public EdgeEnrolled enroll(EnrollEdge request) {
        return post("/enroll", request, EdgeEnrolled.class, CALL_TIMEOUT);
    }

    public EdgeView me() {
        return exchange("GET", "/me", null, EdgeView.class, CALL_TIMEOUT);
    }

    /** Long-polls for work; the HTTP timeout covers the server's wait plus a margin. */
    public LeaseBatch lease(LeaseRequest request) {
        return post("/leases", request, LeaseBatch.class, CALL_TIMEOUT.plusSeconds(request.waitSeconds()));
    }

    public HeartbeatAck heartbeat(Heartbeat heartbeat, Duration timeout) {
        return post("/heartbeat", heartbeat, HeartbeatAck.class, timeout);
    }

    public void progress(UUID stepId, ProgressReport report) {
        post(step(stepId, "progress"), report, Void.class, CALL_TIMEOUT);
    }

    public void checkpoint(UUID stepId, CheckpointReport report) {
        post(step(stepId, "checkpoint"), report, Void.class, CALL_TIMEOUT);
    }

    public ArtifactView artifact(UUID stepId, ArtifactUpload upload) {
        return post(step(stepId, "artifacts"), upload, ArtifactView.class, CALL_TIMEOUT.plusSeconds(40));
    }

    public void result(UUID stepId, StepResult result) {
        post(step(stepId, "result"), result, Void.class, CALL_TIMEOUT);
    }

    /** Several terminal results in one request; each is fenced by its own lease (see {@link ResultBatchAck}). */
    public ResultBatchAck results(ResultBatch batch) {
        return post("/results", batch, ResultBatchAck.class, CALL_TIMEOUT);
    }

    public ActionVerdict check(UUID stepId, ActionCheck check) {
        return post(step(stepId, "checks"), check, ActionVerdict.class, CALL_TIMEOUT);
    }

    /** Long-poll for an approval the gate asked for; answers within {@code wait} (at most 30 s) plus slack. */
    public ActionVerdict awaitApproval(UUID stepId, UUID approvalId, Duration wait) {
        return exchange("GET", step(stepId, "approvals/" + approvalId) + "?wait=" + wait.toSeconds(), null,
                ActionVerdict.class, CALL_TIMEOUT.plus(wait));
    }

    /** The material of a credential lease, sealed to this edge's key. */
    public SealedCredential redeem(UUID stepId, UUID leaseId, long epoch) {
        return post(step(stepId, "credentials/" + leaseId), new RedeemCredential(epoch), SealedCredential.class,
                CALL_TIMEOUT);
    }

    // --- plumbing --------------------------------------------------------------------------------------------

    private static String step(UUID stepId, String what) {
        return "/steps/" + stepId + "/" + what;
    }

    private <T> T post(String path, Object body, Class<T> type, Duration timeout) {
        return exchange("POST", path, body, type, timeout);
    }

    private <T> T exchange(String method, String path, Object body, Class<T> type, Duration timeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + EDGE + path))
                .timeout(timeout)
                .header(ProtocolVersion.HEADER, Integer.toString(ProtocolVersion.CURRENT))
                .header("Accept", "application/json");
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(Json.write(body)));
        }
        HttpResponse<String> response;
        try {
            response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new OctvexConnectionException("the Octvex server at " + base + " did not answer within "
                    + timeout.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new OctvexConnectionException("cannot reach the Octvex server at " + base + ": "
                    + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OctvexConnectionException("interrupted while calling " + base, e);
        }
        int status = response.statusCode();
        String text = response.body();
        if (status >= 400) {
            throw new OctvexApiException(problem(status, text),
                    retryAfter(response.headers().firstValue("Retry-After").orElse(null)));
        }
        if (type == Void.class || text == null || text.isEmpty()) {
            return null;
        }
        try {
            return Json.read(text, type);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new OctvexApiException(new Problem("about:blank", "Unreadable answer", 502,
                    "the server's answer to " + method + " " + EDGE + path + " is not a valid "
                            + type.getSimpleName(), null));
        }
    }

    private static Problem problem(int status, String body) {
        // Read leniently: a problem body may carry extension members the protocol record does not name.
        try {
            var node = Json.tree(body);
            return new Problem(text(node, "type", "about:blank"), text(node, "title", "HTTP " + status), status,
                    text(node, "detail", null), text(node, "instance", null));
        } catch (JacksonException | IllegalArgumentException e) {
            return new Problem("about:blank", "HTTP " + status, status, null, null);
        }
    }

    /**
     * The delay of a {@code Retry-After} header in seconds (what the Octvex server sends); null when absent, an
     * HTTP date, or nonsense. Callers bound it.
     */
    static Duration retryAfter(String header) {
        if (header == null || header.isBlank() || header.strip().length() > 9) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.strip());
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String text(tools.jackson.databind.JsonNode node, String field, String fallback) {
        var value = node.path(field);
        return value.isString() ? value.asString() : fallback;
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static HttpClient newHttpClient() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static URI strip(URI server) {
        String s = server.toString();
        return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : server;
    }

    /** True for the answer a revoked, expired or unknown edge token gets. */
    public static boolean unauthorised(RuntimeException e) {
        return e instanceof OctvexApiException api && api.status() == 401;
    }
}
