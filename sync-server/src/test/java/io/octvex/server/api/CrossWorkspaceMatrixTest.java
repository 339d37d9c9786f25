package io.octvex.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.CreatePrincipal;
import io.octvex.protocol.CreateSecret;
import io.octvex.protocol.CreateToken;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.Role;
import io.octvex.protocol.RunView;
import io.octvex.protocol.Scope;
import io.octvex.protocol.SecretKind;
import io.octvex.protocol.StepSpec;
import io.octvex.protocol.SubmitRun;
import io.octvex.server.ServerTest;
import io.octvex.server.approval.ApprovalFixtures;
import io.octvex.server.fleet.FleetFixtures;
import io.octvex.server.oauth.OAuthFixtures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Walks every endpoint with a second workspace's ids and credentials: each attempt must be refused with
 * 403 or 404, return none of the other workspace's data, and change nothing there.
 */
@ServerTest
class CrossWorkspaceMatrixTest {
    @LocalServerPort
    int port;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mapping;
    @Autowired
    JdbcClient jdbc;

    /** Workspace B: the victim. Its names are unique markers that must never appear in an answer to A. */
    String marker;
    Map<String, String> victimIds;
    UUID victim;
    /** Credentials that reach workspace A only. */
    List<Credential> attackers;
    UUID attackerWorkspace;
    Map<String, String> attackerIds;

    record Credential(String label, String token) {}

    @BeforeEach
    void twoWorkspaces() {
        OctvexClient anonymous = OctvexClient.connect("http://127.0.0.1:" + port);
        OctvexClient admin = anonymous.withToken(anonymous.login("admin", ServerTest.ADMIN_PASSWORD).token());
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        marker = "victim-" + suffix;

        victim = admin.createWorkspace(marker + "-ws").id();
        var victimAgent = admin.createPrincipal(victim, new CreatePrincipal(PrincipalKind.AGENT, marker + "-agent",
                marker + " agent", null, List.of(Role.OPERATOR)));
        var victimToken = admin.createToken(victim, new CreateToken(marker + "-token", List.of(Scope.values()),
                null, null));
        // policy versions are numbered per workspace: each starts with the starter (1); B also has version 2
        admin.savePolicy(victim, ApprovalFixtures.POLICY.replace("grants:\n", "grants:\n  - id: " + marker
                + "\n    to: {roles: [owner]}\n    actions: [\"*\"]\n"), true);
        RunView victimRun = admin.submitRun(victim, new SubmitRun(marker + "-run", null,
                List.of(new StepSpec(marker + "-step", "http", marker + "-action", null, null))));
        Map<String, String> ids = new HashMap<>(Map.of("workspaceId", victim.toString(), "runId", victimRun.id().toString(),
                "stepId", victimRun.steps().getFirst().id().toString(),
                "tokenId", victimToken.token().id().toString(),
                "principalId", victimAgent.principal().id().toString()));
        ids.putAll(new FleetFixtures(port).fleetIds(victim, victimRun)); // edgeId, enrollmentId, artifactId
        ids.put("version", "2");
        ids.put("approvalId", new ApprovalFixtures(port).pending(victim).id().toString());
        ids.put("secretName", admin.createSecret(victim, new CreateSecret(marker + "-secret", SecretKind.BEARER, null,
                null, null, null, (marker + "-token").toCharArray())).name());
        String adminToken = anonymous.login("admin", ServerTest.ADMIN_PASSWORD).token();
        ids.put("connectionName", new OAuthFixtures(port, adminToken).connect(victim, marker + "-oauth"));
        ids.put("serverId", io.octvex.server.mcpclient.McpClientFixtures.register(io.octvex.server.identity.TestApi.on(port), adminToken, victim,
                marker + "-mcp", "https://" + marker + ".example.test/mcp").id().toString());
        victimIds = Map.copyOf(ids);

        attackerWorkspace = admin.createWorkspace("attacker-" + suffix).id();
        String password = "attacker password " + suffix;
        admin.createPrincipal(attackerWorkspace, new CreatePrincipal(PrincipalKind.USER, "attacker-" + suffix,
                null, password, List.of(Role.OWNER)));
        String attackerSession = anonymous.login("attacker-" + suffix, password).token();
        String attackerToken = admin.createToken(attackerWorkspace, new CreateToken("attacker token",
                List.of(Scope.values()), null, null)).secret();
        attackers = List.of(new Credential("member session", attackerSession),
                new Credential("api token of A", attackerToken));
        RunView ownRun = admin.submitRun(attackerWorkspace, new SubmitRun("own run", null,
                List.of(new StepSpec("own", "http", "own", null, null))));
        attackerIds = Map.of("workspaceId", attackerWorkspace.toString(), "runId", ownRun.id().toString(),
                "stepId", ownRun.steps().getFirst().id().toString(), "tokenId", UUID.randomUUID().toString(),
                "principalId", UUID.randomUUID().toString(), "edgeId", UUID.randomUUID().toString(),
                "enrollmentId", UUID.randomUUID().toString(), "artifactId", UUID.randomUUID().toString(),
                "version", "2", "approvalId", UUID.randomUUID().toString());
        attackerIds = new HashMap<>(attackerIds);
        attackerIds.put("secretName", "own-secret");
        attackerIds.put("connectionName", "own-connection");
        attackerIds.put("serverId", UUID.randomUUID().toString());
    }

    @Test
    void everyEndpointRefusesAnotherWorkspacesIds() {
        Map<String, Object> before = victimRowCounts();
        List<String> failures = new ArrayList<>();
        int attempts = 0;
        for (Endpoints.Endpoint endpoint : Endpoints.of(mapping).all()) {
            if (!endpoint.variables().contains("workspaceId")) {
                continue;
            }
            List<Map<String, String>> targets = new ArrayList<>();
            targets.add(victimIds); // B's workspace path with B's ids
            if (endpoint.variables().size() > 1) { // A's own workspace path, B's other ids
                Map<String, String> mixed = new HashMap<>(victimIds);
                mixed.put("workspaceId", attackerWorkspace.toString());
                targets.add(mixed);
            }
            for (Map<String, String> target : targets) {
                for (Credential credential : attackers) {
                    attempts++;
                    Http.Answer answer = Http.send(port, endpoint.method().name(), endpoint.path(target),
                            credential.token(), endpoint.takesBody() ? "{}" : null);
                    if (answer.status() != 403 && answer.status() != 404) {
                        failures.add(endpoint + " with " + credential.label() + " on " + target.get("workspaceId")
                                + " answered " + answer.status() + ": " + answer.body());
                    } else if (withoutInstance(answer.body()).contains(marker)) {
                        failures.add(endpoint + " leaked the other workspace's data: " + answer.body());
                    }
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(attempts).as("endpoints exercised").isGreaterThan(20);
        assertThat(victimRowCounts()).isEqualTo(before);
    }

    @Test
    void listsSeenFromAnotherWorkspaceNeverShowTheVictim() {
        List<String> failures = new ArrayList<>();
        for (Endpoints.Endpoint endpoint : Endpoints.of(mapping).all()) {
            boolean list = endpoint.method().name().equals("GET") && !endpoint.pattern().endsWith("/stream")
                    && endpoint.variables().stream().allMatch(v -> v.equals("workspaceId") || attackerIds.containsKey(v));
            if (!list) {
                continue;
            }
            for (Credential credential : attackers) {
                Http.Answer answer = Http.send(port, "GET", endpoint.path(attackerIds), credential.token(), null);
                if (answer.body().contains(marker)) {
                    failures.add(endpoint + " with " + credential.label() + " showed B: " + answer.body());
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    /** A problem's instance echoes the path the attacker sent (with B's secret name in it): that is no leak. */
    private static String withoutInstance(String body) {
        return body.replaceAll("\"instance\":\"[^\"]*\"", "");
    }

    private Map<String, Object> victimRowCounts() {
        Map<String, Object> counts = new HashMap<>();
        for (String table : Arrays.asList("runs", "steps", "events", "tokens", "memberships", "approvals",
                "approval_votes", "policy_versions", "secrets", "vault_data_keys", "vault_keyrings", "oauth_clients",
                "oauth_authorizations", "oauth_connections", "mcp_servers")) {
            counts.put(table, jdbc.sql("SELECT count(*) FROM " + table + " WHERE workspace_id = ?").param(victim)
                    .query(Long.class).single());
        }
        counts.put("revoked tokens", jdbc.sql("SELECT count(*) FROM tokens WHERE workspace_id = ? AND revoked_at IS NOT NULL")
                .param(victim).query(Long.class).single());
        counts.put("versions", jdbc.sql("SELECT coalesce(sum(version), 0) FROM runs WHERE workspace_id = ?")
                .param(victim).query(Long.class).single());
        counts.put("edges", jdbc.sql("SELECT coalesce(string_agg(e.state || '/' || e.version, ',' ORDER BY e.id), '') "
                + "FROM edges e JOIN edge_workspaces w ON w.edge_id = e.id WHERE w.workspace_id = ?")
                .param(victim).query(String.class).single());
        counts.put("enrollments", jdbc.sql("SELECT count(*) || '/' || count(n.revoked_at) FROM edge_enrollments n "
                + "JOIN edge_enrollment_workspaces w ON w.enrollment_id = n.id WHERE w.workspace_id = ?")
                .param(victim).query(String.class).single());
        counts.put("secret values", jdbc.sql("SELECT coalesce(string_agg(name || '/' || version || '/' || md5(sealed), ',' ORDER BY name), '') "
                + "FROM secrets WHERE workspace_id = ?").param(victim).query(String.class).single());
        counts.put("oauth connections", jdbc.sql("SELECT coalesce(string_agg(name || '/' || status || '/' || "
                + "coalesce(refresh_at::text, '-'), ',' ORDER BY name), '') FROM oauth_connections WHERE workspace_id = ?")
                .param(victim).query(String.class).single());
        counts.put("data keys", jdbc.sql("SELECT coalesce(string_agg(term || '/' || encryptions, ',' ORDER BY term), '') "
                + "FROM vault_data_keys WHERE workspace_id = ?").param(victim).query(String.class).single());
        counts.put("artifacts", jdbc.sql("SELECT count(*) FROM artifacts WHERE workspace_id = ?").param(victim)
                .query(Long.class).single());
        counts.put("workspace", jdbc.sql("SELECT name || '/' || status FROM workspaces WHERE id = ?").param(victim)
                .query(String.class).single());
        return counts;
    }
}
