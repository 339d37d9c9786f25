package io.octvex.server.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.RunView;
import io.octvex.server.ServerTest;
import io.octvex.server.identity.TestApi;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every {@code /api/v1/edge/**} endpoint, read from Spring itself, called by an edge of workspace A with
 * workspace B's step: each answers 404 (or, for bodies it cannot read, 400), shows nothing of B and changes
 * nothing there. The edge endpoints have no workspace in their path, so the generic matrix cannot cover them.
 */
@ServerTest
class EdgeIsolationTest {
    @LocalServerPort int port;
    @Autowired JdbcClient jdbc;
    @Autowired @Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping mapping;

    String snapshot(UUID ws) {
        return jdbc.sql("""
                SELECT (SELECT count(*) FROM events WHERE workspace_id = :ws) || '/' ||
                       (SELECT string_agg(status || ':' || version || ':' || lease_epoch, ',') FROM steps WHERE workspace_id = :ws) || '/' ||
                       (SELECT count(*) FROM artifacts WHERE workspace_id = :ws)""").param("ws", ws)
                .query(String.class).single();
    }

    @Test
    void anEdgeOfOneWorkspaceReachesNothingOfAnother() {
        FleetFixtures fleet = new FleetFixtures(port);
        UUID a = fleet.workspace("iso-a");
        UUID b = fleet.workspace("iso-b");
        FleetFixtures.Edge attacker = fleet.edge(a);
        FleetFixtures.Edge victimEdge = fleet.edge(b);
        RunView victimRun = fleet.submit(b, FleetFixtures.step("victim-step"));
        var lease = fleet.lease(victimEdge, 1, 0).leases().getFirst();
        // B's step waits for an approval its edge asked for mid-step: the attacker must not learn of it either
        TestApi.Response saved = fleet.api().send("POST", "/api/v1/workspaces/" + b + "/policy/versions",
                fleet.adminToken(), java.util.Map.of("document", io.octvex.server.approval.ApprovalFixtures.POLICY));
        assertThat(saved.status()).as(saved.body()).isEqualTo(201);
        TestApi.Response asked = fleet.report(victimEdge, lease.stepId(), "checks", new io.octvex.protocol.ActionCheck(
                lease.epoch(), "http.request", "https://approve.example/x", "GET", null));
        String approvalId = io.octvex.protocol.Json.tree(asked.body()).get("approvalId").asString();
        String marker = victimRun.id().toString();
        String before = snapshot(b);
        List<String> failures = new ArrayList<>();
        int attempts = 0;
        for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
            for (String pattern : info.getPatternValues()) {
                if (!pattern.startsWith("/api/v1/edge/") || pattern.equals("/api/v1/edge/enroll")) {
                    continue;
                }
                String path = pattern.replace("{stepId}", lease.stepId().toString()).replace("{approvalId}", approvalId)
                        .replace("{leaseId}", UUID.randomUUID().toString());
                for (var method : info.getMethodsCondition().getMethods()) {
                    String body = switch (pattern.substring(pattern.lastIndexOf('/') + 1)) {
                        case "artifacts" -> "{\"epoch\":" + lease.epoch() + ",\"name\":\"x\",\"contentBase64\":\"AA==\"}";
                        case "result" -> "{\"epoch\":" + lease.epoch() + ",\"status\":\"completed\"}";
                        case "heartbeat" -> "{\"leases\":[{\"stepId\":\"" + lease.stepId() + "\",\"epoch\":" + lease.epoch()
                                + "}],\"freeSlots\":1}";
                        case "leases" -> "{\"maxSteps\":1,\"waitSeconds\":0}";
                        case "checkpoint" -> "{\"epoch\":" + lease.epoch() + ",\"summary\":\"x\"}";
                        case "checks" -> "{\"epoch\":" + lease.epoch() + ",\"action\":\"http.request\"}";
                        case "{leaseId}" -> "{\"epoch\":" + lease.epoch() + "}";
                        default -> "{\"epoch\":" + lease.epoch() + ",\"message\":\"x\"}";
                    };
                    attempts++;
                    TestApi.Response r = fleet.api().send(method.name(), path, attacker.token(),
                            method.name().equals("GET") ? null : body);
                    boolean workspaceFree = !pattern.contains("{stepId}");
                    if (!workspaceFree && r.status() != 404) {
                        failures.add(method + " " + pattern + " answered " + r.status() + ": " + r.body());
                    }
                    // (the step id itself is echoed from the request path; the run id and key must never appear)
                    if (r.body().contains(marker) || r.body().contains("victim-step")) {
                        failures.add(method + " " + pattern + " showed B: " + r.body());
                    }
                    if (pattern.endsWith("heartbeat") && r.body().contains("\"extended\":[{")) {
                        failures.add("a heartbeat extended B's lease: " + r.body());
                    }
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(attempts).isGreaterThanOrEqualTo(7);
        assertThat(snapshot(b)).isEqualTo(before);
    }
}
