package io.octvex.server.credential;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.CreateSecret;
import io.octvex.protocol.CredentialSeal;
import io.octvex.protocol.EdgeEnrolled;
import io.octvex.protocol.EnrollEdge;
import io.octvex.protocol.Json;
import io.octvex.protocol.Lease;
import io.octvex.protocol.RedeemCredential;
import io.octvex.protocol.RunView;
import io.octvex.protocol.SealedCredential;
import io.octvex.protocol.SecretKind;
import io.octvex.protocol.StepResult;
import io.octvex.protocol.StepSpec;
import io.octvex.protocol.StepStatus;
import io.octvex.server.ServerTest;
import io.octvex.server.fleet.FleetFixtures;
import io.octvex.server.identity.TestApi;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Just-in-time credentials over real HTTP: a step naming a vault secret is leased with a credential lease
 * (never material); its edge redeems it, sealed to its own enrolled X25519 key, only while the step runs
 * there; the lease is revoked in the transaction that ends the step; policy can refuse the use.
 */
@ServerTest
class CredentialLeaseTest {
    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    FleetFixtures fleet;
    UUID ws;
    KeyPair keys;
    FleetFixtures.Edge edge;
    String canary;

    @BeforeEach
    void workspace() throws Exception {
        fleet = new FleetFixtures(port);
        ws = fleet.workspace("jit");
        keys = KeyPairGenerator.getInstance("X25519").generateKeyPair();
        edge = enrol(keys);
        canary = "sk-canary-" + UUID.randomUUID().toString().substring(0, 8);
        fleet.api().admin().createSecret(ws, new CreateSecret("billing-api", SecretKind.BEARER, null, null, null, null,
                canary.toCharArray()));
    }

    /** An edge enrolled with a real X25519 key, as the edge process makes it. */
    private FleetFixtures.Edge enrol(KeyPair pair) {
        byte[] x509 = pair.getPublic().getEncoded();
        String raw = Base64.getEncoder().encodeToString(Arrays.copyOfRange(x509, x509.length - 32, x509.length));
        String token = fleet.enrollment(ws, null).token();
        TestApi.Response r = fleet.api().send("POST", "/api/v1/edge/enroll", null,
                new EnrollEdge(token, TestApi.unique("jit-edge"), Map.of(), List.of("http", "browser"), 2, raw, "test"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        EdgeEnrolled enrolled = Json.read(r.body(), EdgeEnrolled.class);
        return new FleetFixtures.Edge(enrolled.edgeId(), enrolled.edgeToken(), "jit-edge");
    }

    private static StepSpec withAuth(String key, String auth) {
        return new StepSpec(key, "http", "GET billing", Json.tree(
                "{\"url\":\"https://billing.example/invoices\",\"auth\":" + auth + "}"), null);
    }

    private TestApi.Response redeem(FleetFixtures.Edge by, Lease lease, UUID leaseId, long epoch) {
        return fleet.report(by, lease.stepId(), "credentials/" + leaseId, new RedeemCredential(epoch));
    }

    @Test
    void theLeaseCarriesANameAndTheEdgeRedeemsMaterialSealedToItsOwnKeyWhileTheStepRuns() throws Exception {
        RunView run = fleet.submit(ws, withAuth("pay", "{\"secret\":\"billing-api\",\"as\":\"bearer\"}"));
        TestApi.Response leased = fleet.leaseRaw(edge, 1, 0);
        assertThat(leased.body()).contains("billing-api").doesNotContain(canary);
        Lease lease = Json.read(leased.body(), io.octvex.protocol.LeaseBatch.class).leases().getFirst();
        var ref = lease.credentials().getFirst();
        assertThat(ref.secret()).isEqualTo("billing-api");
        assertThat(ref.as()).isEqualTo("bearer");

        TestApi.Response answer = redeem(edge, lease, ref.leaseId(), lease.epoch());
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).doesNotContain(canary);
        SealedCredential sealed = Json.read(answer.body(), SealedCredential.class);
        byte[] opened = CredentialSeal.open(sealed, keys.getPrivate(),
                CredentialSeal.binding(ref.leaseId(), lease.stepId(), lease.epoch()));
        JsonNode header = Json.tree(new String(opened, StandardCharsets.UTF_8));
        assertThat(header.get("header").asString()).isEqualTo("Authorization");
        assertThat(header.get("value").asString()).isEqualTo("Bearer " + canary);

        // every access is on record: which secret, which action, which edge and lease; never the value
        JsonNode accessed = Json.tree(jdbc.sql("SELECT data::text FROM events WHERE workspace_id = ? AND run_id = ? "
                + "AND type = 'secret.accessed'").params(ws, run.id()).query(String.class).single());
        assertThat(accessed.get("name").asString()).isEqualTo("billing-api");
        assertThat(accessed.get("action").asString()).isEqualTo("credential.use");
        assertThat(accessed.get("edgeId").asString()).isEqualTo(edge.id().toString());
        assertThat(accessed.get("leaseId").asString()).isEqualTo(ref.leaseId().toString());
        assertThat(jdbc.sql("SELECT count(*) FROM events WHERE workspace_id = ? AND run_id = ? AND type = "
                + "'policy.decided' AND data->'input'->>'action' = 'credential.use'").params(ws, run.id())
                .query(Long.class).single()).isEqualTo(1);

        assertThat(redeem(edge, lease, ref.leaseId(), lease.epoch() + 1).status()).as("another epoch").isEqualTo(409);
        FleetFixtures.Edge other = enrol(keys);
        assertThat(redeem(other, lease, ref.leaseId(), lease.epoch()).status()).as("another edge").isEqualTo(409);

        TestApi.Response done = fleet.report(edge, lease.stepId(), "result",
                new StepResult(lease.epoch(), StepStatus.COMPLETED, null, null));
        assertThat(done.status()).isEqualTo(204);
        // revoked in the transaction that ended the step: visible the moment the report is answered
        assertThat(jdbc.sql("SELECT revoked_reason FROM credential_leases WHERE id = ?").param(ref.leaseId())
                .query(String.class).single()).isEqualTo("step completed");
        // the revocation is stamped inside the step's own transaction: microseconds after its transition
        assertThat(jdbc.sql("""
                SELECT extract(epoch FROM c.revoked_at - s.updated_at) FROM credential_leases c
                JOIN steps s ON s.id = c.step_id WHERE c.id = ?""").param(ref.leaseId()).query(Double.class).single())
                .isBetween(0.0, 1.0);
        TestApi.Response late = redeem(edge, lease, ref.leaseId(), lease.epoch());
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.detail()).contains("revoked (step completed)");
        assertThat(jdbc.sql("SELECT redeemed FROM credential_leases WHERE id = ?").param(ref.leaseId())
                .query(Integer.class).single()).isEqualTo(1);

        List<String> tables = jdbc.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                + "'public' AND table_type = 'BASE TABLE'").query(String.class).list();
        for (String table : tables) {
            String text = jdbc.sql("SELECT coalesce(string_agg(t::text, '\n'), '') FROM \"" + table + "\" t")
                    .query(String.class).single();
            assertThat(text).as(table).doesNotContain(canary);
        }
    }

    @Test
    void aCancelledRunRevokesItsLeasesAndPolicyCanRefuseTheUseOfASecret() {
        fleet.submit(ws, withAuth("a", "{\"secret\":\"billing-api\"}"));
        Lease lease = fleet.lease(edge, 1, 0).leases().getFirst();
        UUID leaseId = lease.credentials().getFirst().leaseId();
        fleet.admin("POST", "/api/v1/workspaces/" + ws + "/runs/" + lease.runId() + "/cancel");
        assertThat(jdbc.sql("SELECT revoked_reason FROM credential_leases WHERE id = ?").param(leaseId)
                .query(String.class).single()).isEqualTo("step cancelled");
        assertThat(redeem(edge, lease, leaseId, lease.epoch()).status()).isEqualTo(409);

        TestApi.Response saved = fleet.api().send("POST", "/api/v1/workspaces/" + ws + "/policy/versions",
                fleet.adminToken(), Map.of("document", """
                        grants:
                          - id: members
                            to: {roles: [owner, admin, operator, agent]}
                            actions: ["*"]
                        rules:
                          - id: not-that-secret
                            when: 'action == "credential.use" && resource == "secret:billing-api"'
                            effect: deny
                            message: billing-api is for people only
                        """));
        assertThat(saved.status()).as(saved.body()).isEqualTo(201);
        RunView refused = fleet.submit(ws, withAuth("b", "{\"secret\":\"billing-api\"}"));
        assertThat(fleet.lease(edge, 1, 0).leases()).isEmpty();
        RunView after = Json.read(fleet.admin("GET", "/api/v1/workspaces/" + ws + "/runs/" + refused.id()).body(),
                RunView.class);
        assertThat(after.steps().getFirst().error())
                .isEqualTo("denied by policy ('not-that-secret'): billing-api is for people only");
    }

    @Test
    void aBrowserStepGetsOneLeasePerSecretFieldItFills() throws Exception {
        fleet.api().admin().createSecret(ws, new CreateSecret("portal", SecretKind.USERNAME_PASSWORD, null,
                "ada".toCharArray(), (canary + "-pw").toCharArray(), null, null));
        fleet.submit(ws, new StepSpec("login", "browser", "log in", Json.tree("""
                {"actions": [{"goto": "https://portal.example/login"},
                             {"fill": "#user", "secret": "portal", "field": "username"},
                             {"fill": "#pw", "secret": "portal", "field": "password"}]}"""), null));
        Lease lease = fleet.lease(edge, 1, 0).leases().getFirst();
        assertThat(lease.credentials()).extracting(c -> c.field()).containsExactly("username", "password");
        var password = lease.credentials().get(1);
        SealedCredential sealed = Json.read(redeem(edge, lease, password.leaseId(), lease.epoch()).body(),
                SealedCredential.class);
        JsonNode opened = Json.tree(new String(CredentialSeal.open(sealed, keys.getPrivate(),
                CredentialSeal.binding(password.leaseId(), lease.stepId(), lease.epoch())), StandardCharsets.UTF_8));
        assertThat(opened.get("value").asString()).isEqualTo(canary + "-pw");
        assertThat(opened.has("header")).isFalse();
        // one policy decision per secret, not per field
        assertThat(jdbc.sql("SELECT count(*) FROM events WHERE workspace_id = ? AND step_id = ? AND type = "
                + "'policy.decided' AND data->'input'->>'action' = 'credential.use'").params(ws, lease.stepId())
                .query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void aSecretThatDoesNotFitItsUseOrDoesNotExistIsRefusedWithoutMaterial() {
        fleet.submit(ws, withAuth("a", "{\"secret\":\"billing-api\",\"as\":\"basic\"}"),
                withAuth("b", "{\"secret\":\"no-such-secret\",\"as\":\"bearer\"}"));
        List<Lease> leases = fleet.lease(edge, 2, 0).leases();
        assertThat(leases).hasSize(2);
        for (Lease lease : leases) {
            TestApi.Response r = redeem(edge, lease, lease.credentials().getFirst().leaseId(), lease.epoch());
            assertThat(r.status()).as(r.body()).isIn(400, 404);
            assertThat(r.body()).doesNotContain(canary);
        }
    }
}
