package io.octvex.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.Json;
import io.octvex.protocol.Lease;
import io.octvex.protocol.LeaseBatch;
import io.octvex.protocol.LeaseRef;
import io.octvex.server.ServerTest;
import io.octvex.server.fleet.FleetFixtures;
import io.octvex.server.fuzz.Fuzz;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The edge protocol fuzzed: enrolment, leases, heartbeats, progress, checkpoints, artifacts, results, action
 * checks, credential redemption and approval waits, fed mutated and random bodies, forged, foreign and missing
 * tokens, wrong and forged fencing epochs, another workspace's step ids and ids that name nothing. Whatever
 * arrives: never a 5xx; a refusal is a problem body; a refused request writes nothing in either workspace (steps,
 * artifacts, approvals, edges, audit events), except the {@code lease.fenced} event a 409 is audited with.
 * Requests that are accepted are fed back (leases granted become targets; results end them), so the valid paths
 * are exercised too. The seed is printed; {@code -Doctvex.fuzz.seed=N} replays it.
 */
@ServerTest
class EdgeProtocolFuzzTest {
    private static final int CASES = 2500;
    private static final List<String> KEYS = List.of("epoch", "status", "result", "error", "message", "percent",
            "data", "summary", "state", "name", "contentType", "contentBase64", "action", "resource", "method",
            "headerNames", "leases", "stepId", "freeSlots", "lastRoundTripMillis", "maxSteps", "waitSeconds", "token",
            "labels", "capabilities", "capacity", "sealingKey", "version");
    /** What the server's own sweepers may write at any time, and what authentication writes by design. */
    private static final String NOT_A_REQUEST_WRITE = "('token.used', 'lease.fenced', 'step.unplaced', "
            + "'lease.expired', 'approval.expired', 'fleet.scaled_up', 'fleet.scaled_down', "
            + "'edge.quarantined')";

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    @Test
    void mutatedEdgeReportsForgedLeasesAndForeignIdsNeverCauseA5xxOrAPartialWrite() {
        FleetFixtures fleet = new FleetFixtures(port);
        UUID ws = fleet.workspace("edge-fuzz");
        UUID other = fleet.workspace("edge-fuzz-victim");
        String enrolment = fleet.enrollment(ws, "{\"maxUses\": 1000}").token();
        FleetFixtures.Edge edge = fleet.enroll(enrolment, "fuzzed-edge", Map.of(), List.of("http"), 8);
        FleetFixtures.Edge victim = fleet.edge(other);
        fleet.submit(other, FleetFixtures.step("victim"));
        Lease victimLease = fleet.lease(victim, 1, 0).leases().getFirst();
        UUID finished = finishedStep(fleet, ws, edge);

        Map<UUID, Long> held = new LinkedHashMap<>(); // the fuzzed edge's leases, as the server granted them
        Map<UUID, Long> victimHeld = new LinkedHashMap<>(Map.of(victimLease.stepId(), victimLease.epoch()));
        Fuzz fuzz = Fuzz.seeded();
        List<String> failures = new ArrayList<>();
        Map<Integer, Integer> answers = new java.util.TreeMap<>();
        for (int i = 0; i < CASES && failures.size() < 5; i++) {
            if (held.size() < 2) {
                fleet.submit(ws, FleetFixtures.step("a"), FleetFixtures.step("b"));
                // accepted failure reports may have quarantined the edge (EdgeHealth): an operator releases it
                fleet.admin("POST", "/api/v1/workspaces/" + ws + "/edges/" + edge.id() + "/release");
                fleet.lease(edge, 2, 0).leases().forEach(l -> held.put(l.stepId(), l.epoch()));
            }
            if (i % 25 == 0) {
                // keeps the leases from expiring while the fuzzing runs (an expiry is the sweeper's write)
                heartbeat(fleet, edge, held);
                heartbeat(fleet, victim, victimHeld);
            }
            UUID step = switch (fuzz.below(6)) {
                case 0 -> victimLease.stepId();
                case 1 -> finished;
                case 2 -> UUID.randomUUID();
                default -> held.isEmpty() ? UUID.randomUUID() : fuzz.pick(List.copyOf(held.keySet()));
            };
            long epoch = switch (fuzz.below(6)) {
                case 0 -> held.getOrDefault(step, 1L) + 1;
                case 1 -> fuzz.pick(List.of(0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, victimLease.epoch()));
                default -> held.getOrDefault(step, victimLease.epoch());
            };
            String stepPath = fuzz.chance(0.05) ? fuzz.pick(List.of("not-a-step", "%00", "..", "00000000-0000-0000"))
                    : step.toString();
            Request request = request(fuzz, stepPath, epoch, held, enrolment);
            String token = switch (fuzz.below(12)) {
                case 0 -> null;
                case 1 -> victim.token(); // the other workspace's edge: its own step is the only one it may touch
                case 2 -> "ovx_edge_" + fuzz.garbage(20).replaceAll("[^A-Za-z0-9]", "x");
                case 3 -> fleet.adminToken(); // a person's token is not an edge's
                default -> edge.token();
            };
            String body = request.body() == null ? null : switch (fuzz.below(4)) {
                case 0 -> fuzz.mutate(request.body());
                case 1 -> fuzz.chance(0.5) ? fuzz.json(KEYS, 4) : fuzz.garbage(64);
                default -> request.body();
            };

            String before = snapshot(ws, other);
            long fencedBefore = fenced(ws, other);
            Http.Answer answer = Http.send(port, request.method(), request.path(),
                    request.path().endsWith("/enroll") ? null : token, body);
            answers.merge(answer.status(), 1, Integer::sum);
            String what = request.method() + " " + request.path() + " <- " + abbreviated(body) + " answered "
                    + answer.status();
            if (answer.status() >= 500) {
                failures.add(what + ": " + answer.body());
            } else if (answer.status() >= 400) {
                if (!answer.contentType().contains("problem+json")) {
                    failures.add(what + " without a problem body");
                }
                String after = snapshot(ws, other);
                long fencedAfter = fenced(ws, other);
                if (!after.equals(before)) {
                    failures.add(what + " but wrote " + before + " -> " + after);
                }
                if (fencedAfter != fencedBefore && (answer.status() != 409 || fencedAfter != fencedBefore + 1)) {
                    failures.add(what + " but audited " + (fencedAfter - fencedBefore) + " lease.fenced events");
                }
            } else {
                if (edge.token().equals(token)) {
                    learn(request.path(), step, answer.body(), held);
                } else if (victim.token().equals(token)) {
                    learn(request.path(), step, answer.body(), victimHeld);
                }
            }
        }
        assertThat(failures).as(fuzz.reproduce()).isEmpty();
        System.out.printf("EdgeProtocolFuzzTest: %d requests, answers by status %s (%s)%n", CASES, answers,
                fuzz.reproduce());
    }

    private record Request(String method, String path, String body) {}

    private static Request request(Fuzz fuzz, String step, long epoch, Map<UUID, Long> held, String enrolment) {
        String steps = "/api/v1/edge/steps/" + step;
        String refs = held.entrySet().stream().map(e -> "{\"stepId\": \"" + e.getKey() + "\", \"epoch\": "
                + (fuzz.chance(0.8) ? e.getValue() : epoch) + "}").reduce((a, b) -> a + ", " + b).orElse("");
        return switch (fuzz.below(11)) {
            case 0 -> new Request("POST", "/api/v1/edge/leases", "{\"maxSteps\": " + fuzz.pick(List.of(0, 1, 2, 300))
                    + ", \"waitSeconds\": 0}");
            case 1 -> new Request("POST", "/api/v1/edge/heartbeat", "{\"leases\": [" + refs + "], \"freeSlots\": 2, "
                    + "\"lastRoundTripMillis\": 3}");
            case 2 -> new Request("POST", steps + "/progress", "{\"epoch\": " + epoch + ", \"message\": \"half way\", "
                    + "\"percent\": 50, \"data\": {\"n\": 1}}");
            case 3 -> new Request("POST", steps + "/checkpoint", "{\"epoch\": " + epoch + ", \"summary\": \"page 2\", "
                    + "\"state\": {\"page\": 2}}");
            case 4 -> new Request("POST", steps + "/artifacts", "{\"epoch\": " + epoch + ", \"name\": \"a.txt\", "
                    + "\"contentType\": \"text/plain\", \"contentBase64\": \"aGVsbG8=\"}");
            case 5 -> new Request("POST", steps + "/result", fuzz.chance(0.5)
                    ? "{\"epoch\": " + epoch + ", \"status\": \"completed\", \"result\": {\"ok\": true}}"
                    : "{\"epoch\": " + epoch + ", \"status\": \"failed\", \"error\": \"it broke\"}");
            case 6 -> new Request("POST", steps + "/checks", "{\"epoch\": " + epoch + ", \"action\": \"http.request\", "
                    + "\"resource\": \"https://example.test/next\", \"method\": \"GET\", \"headerNames\": [\"accept\"]}");
            case 7 -> new Request("POST", steps + "/credentials/" + UUID.randomUUID(), "{\"epoch\": " + epoch + "}");
            case 8 -> new Request("GET", steps + "/approvals/" + UUID.randomUUID() + "?wait="
                    + fuzz.pick(List.of("0", "-1", "31", "x", "0")), null);
            case 9 -> new Request("GET", "/api/v1/edge/me", null);
            default -> new Request("POST", "/api/v1/edge/enroll", "{\"token\": \"" + (fuzz.chance(0.5) ? enrolment
                    : "ovx_enr_forged") + "\", \"name\": \"fuzz-edge\", \"labels\": {\"os\": \"linux\"}, "
                    + "\"capabilities\": [\"http\"], \"capacity\": 2, \"sealingKey\": \"" + FleetFixtures.sealingKey()
                    + "\", \"version\": \"0.1\"}");
        };
    }

    /** An accepted request moves an edge's leases: a grant adds targets, a result ends one. */
    private static void learn(String path, UUID step, String body, Map<UUID, Long> held) {
        if (path.endsWith("/leases")) {
            Json.read(body, LeaseBatch.class).leases().forEach(l -> held.put(l.stepId(), l.epoch()));
        } else if (path.endsWith("/result")) {
            held.remove(step);
        }
    }

    private static void heartbeat(FleetFixtures fleet, FleetFixtures.Edge edge, Map<UUID, Long> held) {
        List<LeaseRef> refs = held.entrySet().stream().map(e -> new LeaseRef(e.getKey(), e.getValue())).toList();
        var r = fleet.api().send("POST", "/api/v1/edge/heartbeat", edge.token(),
                new io.octvex.protocol.Heartbeat(refs, 2, 1L));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        Json.tree(r.body()).path("lost").forEach(lost -> held.remove(UUID.fromString(lost.path("stepId").asString())));
    }

    /** A step of the workspace that the edge leased and completed: reports on it must all be fenced. */
    private static UUID finishedStep(FleetFixtures fleet, UUID ws, FleetFixtures.Edge edge) {
        fleet.submit(ws, FleetFixtures.step("done"));
        Lease lease = fleet.lease(edge, 1, 0).leases().getFirst();
        var r = fleet.report(edge, lease.stepId(), "result", new io.octvex.protocol.StepResult(lease.epoch(),
                io.octvex.protocol.StepStatus.COMPLETED, null, null));
        assertThat(r.status()).as(r.body()).isEqualTo(204);
        return lease.stepId();
    }

    /** Everything a request could write in the two workspaces (not what sweepers and authentication write). */
    private String snapshot(UUID ws, UUID other) {
        return jdbc.sql("""
                SELECT (SELECT count(*) FROM events WHERE workspace_id IN (:ws, :other) AND type NOT IN\s"""
                        + NOT_A_REQUEST_WRITE + """
                        ) || '/' ||
                       (SELECT md5(coalesce(string_agg(id || status || attempt || lease_epoch || coalesce(result::text, '')
                               || coalesce(error, '') || coalesce(checkpoint::text, ''), ',' ORDER BY id), ''))
                          FROM steps WHERE workspace_id IN (:ws, :other)) || '/' ||
                       (SELECT count(*) FROM runs WHERE workspace_id IN (:ws, :other)) || '/' ||
                       (SELECT count(*) FROM artifacts WHERE workspace_id IN (:ws, :other)) || '/' ||
                       (SELECT count(*) FROM approvals WHERE workspace_id IN (:ws, :other)) || '/' ||
                       (SELECT count(*) FROM credential_leases WHERE workspace_id IN (:ws, :other)) || '/' ||
                       (SELECT count(*) FROM edges)""")
                .param("ws", ws).param("other", other).query(String.class).single();
    }

    private long fenced(UUID ws, UUID other) {
        return jdbc.sql("SELECT count(*) FROM events WHERE workspace_id IN (:ws, :other) AND type = 'lease.fenced'")
                .param("ws", ws).param("other", other).query(Long.class).single();
    }

    private static String abbreviated(String body) {
        return body == null ? "(no body)" : body.length() <= 300 ? body : body.substring(0, 300) + "…";
    }
}
