package io.octvex.server.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.EdgeState;
import io.octvex.protocol.EdgeView;
import io.octvex.protocol.EnrollmentView;
import io.octvex.protocol.IssuedEnrollment;
import io.octvex.protocol.Json;
import io.octvex.protocol.Role;
import io.octvex.server.ServerTest;
import io.octvex.server.identity.TestApi;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Enrolment over real HTTP: tokens for one or more workspaces, single and multi use, expiry, revocation. */
@ServerTest
class EdgeEnrollmentTest {
    @LocalServerPort int port;
    @Autowired JdbcClient jdbc;
    FleetFixtures fleet;
    UUID ws;

    @BeforeEach
    void setUp() {
        fleet = new FleetFixtures(port);
        ws = fleet.workspace("enrol");
    }

    long edges() {
        return jdbc.sql("SELECT count(*) FROM edges").query(Long.class).single();
    }

    List<String> events(UUID workspaceId) {
        return jdbc.sql("SELECT type FROM events WHERE workspace_id = ? ORDER BY seq").param(workspaceId)
                .query(String.class).list();
    }

    @Test
    void anAdminIssuesATokenAndAnEdgeEnrollsWithIt() {
        UUID other = fleet.workspace("enrol-also");
        IssuedEnrollment issued = fleet.enrollment(ws, "{\"name\":\"build hosts\",\"alsoWorkspaces\":[\"" + other
                + "\"],\"maxUses\":2}");
        assertThat(issued.token()).startsWith("ovx_enr_").hasSize(8 + 43);
        assertThat(issued.enrollment().workspaceIds()).containsExactlyInAnyOrder(ws, other);
        assertThat(issued.enrollment().maxUses()).isEqualTo(2);
        assertThat(issued.enrollment().expiresAt()).isBetween(issued.enrollment().createdAt().plusSeconds(86_399),
                issued.enrollment().createdAt().plusSeconds(86_401));
        byte[] stored = jdbc.sql("SELECT token_hash FROM edge_enrollments WHERE id = ?")
                .param(issued.enrollment().id()).query(byte[].class).single();
        assertThat(HexFormat.of().formatHex(stored)).isEqualTo(HexFormat.of().formatHex(FleetSecrets.hash(issued.token())));

        TestApi.Response r = fleet.enrollRaw(issued.token(), "builder-1", Map.of("os", "linux", "host", "build-01"),
                List.of("http", "browser"), 4);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.body()).doesNotContain(issued.token());
        var enrolled = Json.read(r.body(), io.octvex.protocol.EdgeEnrolled.class);
        assertThat(enrolled.edgeToken()).startsWith("ovx_edge_");
        assertThat(enrolled.workspaceIds()).containsExactlyInAnyOrder(ws, other);
        assertThat(jdbc.sql("SELECT count(*) FROM edges WHERE token_hash = ?").param(FleetSecrets.hash(enrolled.edgeToken()))
                .query(Long.class).single()).isOne();

        TestApi.Response me = fleet.api().get("/api/v1/edge/me", enrolled.edgeToken());
        assertThat(me.status()).as(me.body()).isEqualTo(200);
        EdgeView view = Json.read(me.body(), EdgeView.class);
        assertThat(view.id()).isEqualTo(enrolled.edgeId());
        assertThat(view.state()).isEqualTo(EdgeState.ACTIVE);
        assertThat(view.labels()).containsEntry("host", "build-01");
        assertThat(view.capabilities()).containsExactly("http", "browser");
        assertThat(view.capacity()).isEqualTo(4);
        assertThat(view.healthy()).isTrue();

        for (UUID w : List.of(ws, other)) {
            assertThat(events(w)).contains("edge.enrollment_created", "edge.enrolled");
            TestApi.Response list = fleet.admin("GET", "/api/v1/workspaces/" + w + "/edges");
            assertThat(list.body()).contains(enrolled.edgeId().toString());
        }
        EnrollmentView after = List.of(Json.read(fleet.admin("GET", "/api/v1/workspaces/" + ws
                + "/edges/enrollments").body(), EnrollmentView[].class)).stream()
                .filter(e -> e.id().equals(issued.enrollment().id())).findFirst().orElseThrow();
        assertThat(after.uses()).isEqualTo(1);
    }

    @Test
    void usedUpExpiredRevokedAndUnknownTokensAreRefusedAndWriteNothing() {
        IssuedEnrollment once = fleet.enrollment(ws, null);
        fleet.enroll(once.token(), "first", Map.of(), List.of("http"), 1);
        long before = edges();
        List<String> eventsBefore = events(ws);

        TestApi.Response usedUp = fleet.enrollRaw(once.token(), "second", Map.of(), List.of("http"), 1);
        assertThat(usedUp.status()).isEqualTo(410);
        assertThat(usedUp.detail()).contains("used 1 of 1");

        IssuedEnrollment expiring = fleet.enrollment(ws, null);
        jdbc.sql("UPDATE edge_enrollments SET expires_at = now() - interval '1 minute' WHERE id = ?")
                .param(expiring.enrollment().id()).update();
        TestApi.Response expired = fleet.enrollRaw(expiring.token(), "late", Map.of(), List.of("http"), 1);
        assertThat(expired.status()).isEqualTo(410);
        assertThat(expired.detail()).contains("expired");

        IssuedEnrollment revoked = fleet.enrollment(ws, null);
        TestApi.Response revoke = fleet.admin("POST", "/api/v1/workspaces/" + ws + "/edges/enrollments/"
                + revoked.enrollment().id() + "/revoke");
        assertThat(revoke.status()).as(revoke.body()).isEqualTo(200);
        assertThat(Json.read(revoke.body(), EnrollmentView.class).revokedAt()).isNotNull();
        TestApi.Response refused = fleet.enrollRaw(revoked.token(), "revoked", Map.of(), List.of("http"), 1);
        assertThat(refused.status()).isEqualTo(410);
        assertThat(refused.detail()).contains("revoked");

        TestApi.Response unknown = fleet.enrollRaw(FleetSecrets.generate(FleetSecrets.ENROLLMENT), "x", Map.of(),
                List.of("http"), 1);
        assertThat(unknown.status()).isEqualTo(401);
        TestApi.Response apiToken = fleet.enrollRaw(fleet.adminToken(), "x", Map.of(), List.of("http"), 1);
        assertThat(apiToken.status()).isEqualTo(401);

        assertThat(edges()).isEqualTo(before);
        List<String> now = events(ws);
        assertThat(now.subList(eventsBefore.size(), now.size()))
                .containsExactly("edge.enrollment_created", "edge.enrollment_created", "edge.enrollment_revoked");
    }

    @Test
    void badIntroductionsAreRefusedWith400AndWriteNothing() {
        IssuedEnrollment issued = fleet.enrollment(ws, "{\"maxUses\":10}");
        long before = edges();
        Map<String, String> tooMany = new LinkedHashMap<>();
        for (int i = 0; i < 51; i++) {
            tooMany.put("k" + i, "v");
        }
        record Bad(Map<String, String> labels, List<String> caps, int capacity, String expected) {}
        List<Bad> bad = List.of(
                new Bad(Map.of("Bad Key", "x"), List.of("http"), 1, "label key"),
                new Bad(Map.of("os", "x".repeat(201)), List.of("http"), 1, "labels.os"),
                new Bad(tooMany, List.of("http"), 1, "at most 50"),
                new Bad(Map.of(), List.of("HTTP!"), 1, "not a handler name"),
                new Bad(Map.of(), List.of(), 1, "at least one handler"),
                new Bad(Map.of(), List.of("http"), 0, "capacity"),
                new Bad(Map.of(), List.of("http"), 257, "capacity"));
        for (Bad b : bad) {
            TestApi.Response r = fleet.enrollRaw(issued.token(), "edge", b.labels(), b.caps(), b.capacity());
            assertThat(r.status()).as(b.toString()).isEqualTo(400);
            assertThat(r.detail()).as(b.toString()).contains(b.expected());
        }
        for (String key : List.of("AAAA", "not base64 !!", "")) {
            TestApi.Response r = fleet.api().send("POST", "/api/v1/edge/enroll", null, Map.of("token", issued.token(),
                    "name", "e", "capabilities", List.of("http"), "capacity", 1, "sealingKey", key));
            assertThat(r.status()).as(key).isEqualTo(400);
            assertThat(r.detail()).contains("sealingKey");
        }
        assertThat(edges()).isEqualTo(before);
        assertThat(jdbc.sql("SELECT uses FROM edge_enrollments WHERE id = ?").param(issued.enrollment().id())
                .query(Integer.class).single()).isZero();
    }

    @Test
    void enrolmentLimitsAndRightsAreChecked() {
        String path = "/api/v1/workspaces/" + ws + "/edges/enrollments";
        for (String body : List.of("{\"maxUses\":0}", "{\"maxUses\":1001}",
                "{\"expiresAt\":\"2000-01-01T00:00:00Z\"}", "{\"expiresAt\":\"2999-01-01T00:00:00Z\"}",
                "{\"alsoWorkspaces\":[\"" + UUID.randomUUID() + "\"]}")) {
            TestApi.Response r = fleet.api().send("POST", path, fleet.adminToken(), body);
            assertThat(r.status()).as(body).isIn(400, 404);
        }
        TestApi.User operator = fleet.api().newUser(ws, Role.OPERATOR);
        assertThat(fleet.api().send("POST", path, operator.token(), "{}").status()).isEqualTo(403);
        assertThat(fleet.api().get(path, operator.token()).status()).isEqualTo(403);
        // an admin of this workspace only cannot enrol edges into another one
        UUID other = fleet.workspace("enrol-foreign");
        TestApi.User admin = fleet.api().newUser(ws, Role.ADMIN);
        TestApi.Response r = fleet.api().send("POST", path, admin.token(), "{\"alsoWorkspaces\":[\"" + other + "\"]}");
        assertThat(r.status()).isEqualTo(404);
        assertThat(jdbc.sql("SELECT count(*) FROM edge_enrollment_workspaces WHERE workspace_id = ?").param(other)
                .query(Long.class).single()).isZero();
    }

    @Test
    void aRevokedEdgeIsRefusedAtOnce() {
        FleetFixtures.Edge edge = fleet.edge(ws);
        assertThat(fleet.edgeGet(edge, "/me").status()).isEqualTo(200);
        TestApi.Response revoke = fleet.admin("POST", "/api/v1/workspaces/" + ws + "/edges/" + edge.id() + "/revoke");
        assertThat(revoke.status()).as(revoke.body()).isEqualTo(200);
        assertThat(Json.read(revoke.body(), EdgeView.class).state()).isEqualTo(EdgeState.REVOKED);
        TestApi.Response me = fleet.edgeGet(edge, "/me");
        assertThat(me.status()).isEqualTo(401);
        assertThat(me.detail()).contains("revoked");
        assertThat(fleet.leaseRaw(edge, 1, 0).status()).isEqualTo(401);
        assertThat(events(ws)).contains("edge.revoked");
    }

    @Test
    void edgeEndpointsTakeOnlyEdgeTokens() {
        FleetFixtures.Edge edge = fleet.edge(ws);
        assertThat(fleet.api().get("/api/v1/edge/me", null).status()).isEqualTo(401);
        assertThat(fleet.api().get("/api/v1/edge/me", fleet.adminToken()).status()).isEqualTo(401);
        assertThat(fleet.api().get("/api/v1/edge/me", FleetSecrets.generate(FleetSecrets.EDGE)).status()).isEqualTo(401);
        // and an edge token opens nothing outside /api/v1/edge
        assertThat(fleet.api().get("/api/v1/workspaces/" + ws + "/edges", edge.token()).status()).isEqualTo(401);
        assertThat(fleet.api().get("/api/v1/workspaces", edge.token()).status()).isEqualTo(401);
    }
}
