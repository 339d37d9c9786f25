package io.octvex.server.vault;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.CreateSecret;
import io.octvex.protocol.Json;
import io.octvex.protocol.OctvexApiException;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.Role;
import io.octvex.protocol.Scope;
import io.octvex.protocol.SecretKind;
import io.octvex.protocol.SecretView;
import io.octvex.protocol.UpdateSecret;
import io.octvex.protocol.VaultStatus;
import io.octvex.protocol.WorkspaceView;
import io.octvex.server.ServerTest;
import io.octvex.server.identity.TestApi;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** The secrets API over real HTTP: write-only values, metadata, rights, names, sizes and audit. */
@ServerTest
class SecretApiTest {
    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Vault vault;
    @Autowired
    TransactionTemplate tx;

    TestApi api;
    OctvexClient admin;
    UUID ws;

    @BeforeEach
    void workspace() {
        api = TestApi.on(port);
        admin = api.admin();
        ws = api.newWorkspace("secrets").id();
    }

    @Test
    void everyKindIsStoredSealedAndOnlyItsMetadataComesBack() {
        SecretView opaque = admin.createSecret(ws, VaultFixtures.opaque("signing-key", "opaque value 1"));
        SecretView login = admin.createSecret(ws, new CreateSecret("billing.login", SecretKind.USERNAME_PASSWORD,
                null, "ada".toCharArray(), "pässwörd 😀".toCharArray(), null, null));
        SecretView header = admin.createSecret(ws, new CreateSecret("x_api", SecretKind.HTTP_HEADER,
                "k-123\tx".toCharArray(), null, null, "X-Api-Key".toCharArray(), null));
        SecretView bearer = admin.createSecret(ws, VaultFixtures.bearer("billing-api", "tok_abc"));

        assertThat(opaque.version()).isEqualTo(1);
        assertThat(opaque.keyTerm()).isEqualTo(1);
        assertThat(opaque.createdBy()).isEqualTo(admin.me().id());
        assertThat(opaque.rotatedAt()).isNull();
        assertThat(admin.secrets(ws)).extracting(SecretView::name)
                .containsExactly("billing-api", "billing.login", "signing-key", "x_api");
        assertThat(admin.secret(ws, "billing.login").kind()).isEqualTo(SecretKind.USERNAME_PASSWORD);

        try (SecretMaterial m = resolve("billing.login")) {
            assertThat(m.chars(SecretField.USERNAME)).containsExactly("ada".toCharArray());
            assertThat(new String(m.chars(SecretField.PASSWORD))).isEqualTo("pässwörd 😀");
            assertThat(m.toString()).doesNotContain("ada").contains("***");
        }
        try (SecretMaterial m = resolve("x_api")) {
            assertThat(new String(m.chars(SecretField.HEADER))).isEqualTo("X-Api-Key");
            assertThat(new String(m.chars(SecretField.VALUE))).isEqualTo("k-123\tx");
        }
        try (SecretMaterial m = resolve("billing-api")) {
            assertThat(new String(m.bytes(SecretField.TOKEN), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("tok_abc");
        }
        SecretMaterial closed = resolve("signing-key");
        closed.close();
        assertThat(catchThrowable(() -> closed.chars(SecretField.VALUE))).isInstanceOf(IllegalStateException.class);

        // the stored value is ciphertext: format byte, nonce, ciphertext, tag
        byte[] sealed = jdbc.sql("SELECT sealed FROM secrets WHERE id = ?").param(bearer.id()).query(byte[].class).single();
        assertThat(sealed[0]).isEqualTo((byte) 1);
        assertThat(sealed.length).isEqualTo(Aead.OVERHEAD + 2 + 4 + "tok_abc".length());
        assertThat(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("tok_abc");
        assertThat(header.kind()).isEqualTo(SecretKind.HTTP_HEADER);
        assertThat(login.kind()).isEqualTo(SecretKind.USERNAME_PASSWORD);
    }

    @Test
    void anUpdateIsANewVersionAndEveryChangeIsAudited() {
        admin.createSecret(ws, VaultFixtures.bearer("ci-token", "first"));
        SecretView updated = admin.updateSecret(ws, "ci-token", new UpdateSecret(null, null, null, null,
                "second".toCharArray()));
        assertThat(updated.version()).isEqualTo(2);
        assertThat(updated.rotatedAt()).isNotNull();
        try (SecretMaterial m = resolve("ci-token")) {
            assertThat(new String(m.chars(SecretField.TOKEN))).isEqualTo("second");
            assertThat(m.version()).isEqualTo(2);
        }
        // the kind stays: a bearer secret takes a token only
        assertThat(refusal(() -> admin.updateSecret(ws, "ci-token", new UpdateSecret("v".toCharArray(), null, null,
                null, null)))).contains("'value' does not belong to a bearer secret");

        admin.deleteSecret(ws, "ci-token");
        assertThat(admin.secrets(ws)).isEmpty();
        assertThat(status(() -> admin.secret(ws, "ci-token"))).isEqualTo(404);
        assertThat(jdbc.sql("SELECT count(*) FROM secrets WHERE workspace_id = ?").param(ws).query(Long.class).single())
                .isZero();
        // the name is free again
        assertThat(admin.createSecret(ws, VaultFixtures.bearer("ci-token", "third")).version()).isEqualTo(1);

        List<Map<String, Object>> events = jdbc.sql("""
                SELECT type, data::text AS data FROM events WHERE workspace_id = ? AND type LIKE 'secret.%' ORDER BY seq""")
                .param(ws).query().listOfRows();
        assertThat(events).extracting(e -> e.get("type"))
                .containsExactly("secret.created", "secret.updated", "secret.accessed", "secret.deleted", "secret.created");
        assertThat(events.get(1).get("data").toString()).contains("\"name\": \"ci-token\"", "\"kind\": \"bearer\"",
                "\"version\": 2").doesNotContain("second");
    }

    @Test
    void oauthConnectionsAreNotMadeThroughThisApi() {
        TestApi.Response answer = api.send("POST", "/api/v1/workspaces/" + ws + "/secrets", token(),
                "{\"name\":\"gh\",\"kind\":\"oauth\",\"token\":\"x\"}");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.detail()).contains("OAuth flow");
    }

    @Test
    void namesWithPathTricksAreRefused() {
        for (String name : List.of("../etc/passwd", "a/b", "a\\b", "..", ".hidden", "a..b", "-x", "_x", "Billing",
                "x".repeat(65), "a b", "ä", "a\u0000", "a%2Fb", "a:b", "", " x")) {
            TestApi.Response answer = api.send("POST", "/api/v1/workspaces/" + ws + "/secrets", token(),
                    Json.write(Map.of("name", name, "kind", "bearer", "token", "t")));
            assertThat(answer.status()).as(name).isEqualTo(400);
            assertThat(answer.detail()).as(name).contains("'name'");
        }
        assertThat(api.send("POST", "/api/v1/workspaces/" + ws + "/secrets", token(),
                Json.write(Map.of("name", "Billing", "kind", "bearer", "token", "t"))).detail()).contains("lower case");
        admin.createSecret(ws, VaultFixtures.bearer("x".repeat(64), "t"));
        admin.createSecret(ws, VaultFixtures.bearer("0.a_b-c", "t"));
        // in paths: every trick answers 4xx with a problem, never a 500 and never another resource
        for (String path : List.of("%2e%2e", "..%2f..%2fworkspaces", "a%2Fb", "%00", "UPPER", "a%20b", "%2e")) {
            TestApi.Response answer = api.get("/api/v1/workspaces/" + ws + "/secrets/" + path, token());
            assertThat(answer.status()).as(path).isBetween(400, 404);
            assertThat(answer.body()).as(path).contains("\"status\"");
        }
        assertThat(jdbc.sql("SELECT count(*) FROM secrets WHERE workspace_id = ?").param(ws).query(Long.class).single())
                .isEqualTo(2);
    }

    @Test
    void oversizedValuesAreRefusedAndNothingIsWritten() {
        int max = 64 * 1024;
        TestApi.Response tooBig = api.send("POST", "/api/v1/workspaces/" + ws + "/secrets", token(),
                Json.write(Map.of("name", "big", "kind", "opaque", "value", "v".repeat(max + 1))));
        assertThat(tooBig.status()).isEqualTo(400);
        assertThat(tooBig.detail()).contains("65537 bytes", "at most 65536");
        // multi-byte characters count as their UTF-8 bytes
        TestApi.Response wide = api.send("POST", "/api/v1/workspaces/" + ws + "/secrets", token(),
                Json.write(Map.of("name", "wide", "kind", "opaque", "value", "ü".repeat(max / 2 + 1))));
        assertThat(wide.status()).isEqualTo(400);
        assertThat(jdbc.sql("SELECT count(*) FROM secrets WHERE workspace_id = ?").param(ws).query(Long.class).single())
                .isZero();
        assertThat(admin.createSecret(ws, VaultFixtures.opaque("exactly-max", "v".repeat(max))).version()).isEqualTo(1);
        try (SecretMaterial m = resolve("exactly-max")) {
            assertThat(m.bytes(SecretField.VALUE)).hasSize(max);
        }
    }

    @Test
    void eachKindTakesItsOwnFieldsAndHeaderSafeValues() {
        String path = "/api/v1/workspaces/" + ws + "/secrets";
        Map<String, String> cases = Map.of(
                "{\"name\":\"a\",\"kind\":\"bearer\"}", "'token' is required",
                "{\"name\":\"a\",\"kind\":\"bearer\",\"token\":\"t\",\"username\":\"u\"}", "'username' does not belong",
                "{\"name\":\"a\",\"kind\":\"bearer\",\"token\":\"two words\"}", "'token' must not contain spaces",
                "{\"name\":\"a\",\"kind\":\"http_header\",\"header\":\"X-A\",\"value\":\"v\\r\\nX-Evil: 1\"}", "line breaks",
                "{\"name\":\"a\",\"kind\":\"http_header\",\"header\":\"X A:\",\"value\":\"v\"}", "HTTP header name",
                "{\"name\":\"a\",\"kind\":\"username_password\",\"username\":\"a:b\",\"password\":\"p\"}", "':'",
                "{\"name\":\"a\",\"kind\":\"username_password\",\"username\":\"a\",\"password\":\"\"}", "'password' is required",
                "{\"name\":\"a\",\"kind\":\"opaque\",\"value\":\"\\ud800\"}", "lone UTF-16 surrogate",
                "{\"name\":\"a\",\"token\":\"t\"}", "'kind' is required",
                "{\"name\":\"a\",\"kind\":\"sorcery\",\"token\":\"t\"}", "unknown secret kind");
        cases.forEach((body, expected) -> {
            TestApi.Response answer = api.send("POST", path, token(), body);
            assertThat(answer.status()).as(body).isEqualTo(400);
            assertThat(answer.detail()).as(body).contains(expected);
        });
        assertThat(jdbc.sql("SELECT count(*) FROM secrets WHERE workspace_id = ?").param(ws).query(Long.class).single())
                .isZero();
        admin.createSecret(ws, VaultFixtures.bearer("dup", "t"));
        TestApi.Response duplicate = api.send("POST", path, token(), "{\"name\":\"dup\",\"kind\":\"bearer\",\"token\":\"u\"}");
        assertThat(duplicate.status()).isEqualTo(409);
    }

    @Test
    void rightsFollowTheRoles() {
        admin.createSecret(ws, VaultFixtures.bearer("shared", "t"));
        TestApi.User viewer = api.newUser(ws, Role.VIEWER);
        TestApi.User operator = api.newUser(ws, Role.OPERATOR);
        TestApi.User owner = api.newUser(ws, Role.OWNER);
        assertThat(viewer.client().secrets(ws)).extracting(SecretView::name).containsExactly("shared");
        assertThat(viewer.client().vault(ws).keyTerm()).isEqualTo(1);
        for (TestApi.User user : List.of(viewer, operator)) {
            assertThat(status(() -> user.client().createSecret(ws, VaultFixtures.bearer("mine", "t")))).isEqualTo(403);
            assertThat(status(() -> user.client().updateSecret(ws, "shared",
                    new UpdateSecret(null, null, null, null, "x".toCharArray())))).isEqualTo(403);
            assertThat(status(() -> user.client().deleteSecret(ws, "shared"))).isEqualTo(403);
            assertThat(status(() -> user.client().rotateVault(ws))).isEqualTo(403);
        }
        owner.client().createSecret(ws, VaultFixtures.bearer("owners", "t"));
        // a token needs secrets:manage even when its principal could
        String readOnly = api.adminToken(ws, Scope.WORKSPACE_READ, Scope.WORKSPACE_ADMIN).secret();
        assertThat(api.send("POST", "/api/v1/workspaces/" + ws + "/secrets", readOnly,
                "{\"name\":\"n\",\"kind\":\"bearer\",\"token\":\"t\"}").detail()).contains("secrets:manage");
        assertThat(api.send("POST", "/api/v1/workspaces/" + ws + "/vault/rotate", readOnly, null).status()).isEqualTo(200);
        String manage = api.adminToken(ws, Scope.SECRETS_MANAGE).secret();
        assertThat(api.send("POST", "/api/v1/workspaces/" + ws + "/secrets", manage,
                "{\"name\":\"n\",\"kind\":\"bearer\",\"token\":\"t\"}").status()).isEqualTo(201);
        assertThat(api.send("POST", "/api/v1/workspaces/" + ws + "/vault/rotate", manage, null).status()).isEqualTo(403);

        admin.archiveWorkspace(ws);
        assertThat(admin.secrets(ws)).hasSize(3);
        assertThat(status(() -> admin.createSecret(ws, VaultFixtures.bearer("late", "t")))).isEqualTo(409);
        assertThat(status(() -> admin.rotateVault(ws))).isEqualTo(409);
    }

    @Test
    void aWorkspaceWithoutSecretsHasNoKeyUntilItNeedsOne() {
        VaultStatus empty = admin.vault(ws);
        assertThat(empty.keyTerm()).isZero();
        assertThat(empty.secrets()).isZero();
        VaultStatus first = admin.rotateVault(ws);
        assertThat(first.keyTerm()).isEqualTo(1);
        assertThat(first.encryptions()).isZero();
        WorkspaceView other = api.newWorkspace("other");
        assertThat(admin.vault(other.id()).keyTerm()).isZero();
    }

    private SecretMaterial resolve(String name) {
        return tx.execute(s -> vault.resolve(ws, name, new SecretUse(null, null, null, "test", Map.of())));
    }

    private String token;

    /** The admin's session token, for raw requests. */
    private String token() {
        if (token == null) {
            token = api.anonymous().login("admin", ServerTest.ADMIN_PASSWORD).token();
        }
        return token;
    }

    static int status(ThrowableAssert.ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(OctvexApiException.class);
        return ((OctvexApiException) thrown).problem().status();
    }

    static String refusal(ThrowableAssert.ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(OctvexApiException.class);
        return ((OctvexApiException) thrown).problem().detail();
    }

    private static Throwable catchThrowable(ThrowableAssert.ThrowingCallable call) {
        return org.assertj.core.api.Assertions.catchThrowable(call);
    }
}
