package io.octvex.server.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.octvex.protocol.LoginRequest;
import io.octvex.protocol.OctvexApiException;
import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.PrincipalView;
import io.octvex.protocol.Role;
import io.octvex.protocol.Session;
import io.octvex.server.ServerTest;
import io.octvex.server.audit.AuditLog;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

@ServerTest
class LoginTest {
    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    TestApi api;
    TestApi.User user;

    @BeforeEach
    void setUp() {
        api = TestApi.on(port);
        user = api.newUser(api.newWorkspace("login").id(), Role.VIEWER);
    }

    private TestApi.Response login(String username, String password) {
        return api.send("POST", "/api/v1/auth/login", null, new LoginRequest(username, password));
    }

    @Test
    void successGivesASessionThatWorksAndIsAudited() {
        TestApi.Response response = login(user.name(), user.password());
        assertThat(response.status()).isEqualTo(200);
        Session session = io.octvex.protocol.Json.read(response.body(), Session.class);
        assertThat(session.token()).startsWith("ovx_");
        assertThat(session.expiresAt()).isBetween(Instant.now().plus(Duration.ofHours(11)), Instant.now().plus(Duration.ofHours(13)));
        assertThat(response.body()).doesNotContain("argon2").doesNotContain("password");

        PrincipalView me = api.anonymous().withToken(session.token()).me();
        assertThat(me.id()).isEqualTo(user.id());
        assertThat(me.kind()).isEqualTo(PrincipalKind.USER);
        assertThat(me.instanceAdmin()).isFalse();

        // stored as a session token: no workspace, no scopes, only a 32-byte hash
        var row = jdbc.sql("SELECT kind, workspace_id, cardinality(scopes) AS n, length(token_hash) AS len FROM tokens WHERE principal_id = ? ORDER BY created_at DESC LIMIT 1")
                .param(user.id()).query().singleRow();
        assertThat(row).containsEntry("kind", "session").containsEntry("n", 0).containsEntry("len", 32);
        assertThat(row.get("workspace_id")).isNull();

        assertThat(instanceEvents("auth.login_succeeded", user.id())).isNotEmpty();
        assertThat(secretAppearsInEvents(session.token())).isFalse();
    }

    @Test
    void unknownUserAndWrongPasswordGetTheSameAnswer() {
        TestApi.Response wrong = login(user.name(), "not the right password");
        TestApi.Response unknown = login("nobody-" + UUID.randomUUID(), "not the right password");

        assertThat(wrong.status()).isEqualTo(401);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(wrong.detail()).isEqualTo("username or password is wrong").isEqualTo(unknown.detail());
        assertThat(instanceEvents("auth.login_failed", user.id()))
                .anySatisfy(data -> assertThat(data).contains("\"reason\": \"wrong_password\""));
        assertThat(jdbc.sql("SELECT count(*) FROM events WHERE workspace_id = ? AND type = 'auth.login_failed' AND data->>'reason' = 'unknown_user'")
                .param(AuditLog.INSTANCE).query(Long.class).single()).isPositive();
        assertThat(jdbc.sql("SELECT count(*) FROM events WHERE data::text LIKE ?").param("%not the right password%")
                .query(Long.class).single()).isZero();
    }

    @Test
    void usernameIsCaseInsensitiveAndTrimmed() {
        assertThat(login("  " + user.name().toUpperCase() + " ", user.password()).status()).isEqualTo(200);
    }

    @Test
    void fiveFailuresLockTheAccountUntilTheLockExpires() {
        for (int i = 1; i <= 4; i++) {
            assertThat(login(user.name(), "wrong password " + i).status()).as("attempt %d", i).isEqualTo(401);
        }
        TestApi.Response fifth = login(user.name(), "wrong password 5");
        assertThat(fifth.status()).isEqualTo(423);
        assertThat(fifth.detail()).contains("locked until");
        assertThat(fifth.headers().firstValue("Retry-After")).hasValueSatisfying(
                s -> assertThat(Long.parseLong(s)).isBetween(800L, 900L));

        // even the right password is refused while locked
        TestApi.Response locked = login(user.name(), user.password());
        assertThat(locked.status()).isEqualTo(423);
        assertThat(instanceEvents("auth.locked", user.id())).hasSize(1);
        OffsetDateTime until = jdbc.sql("SELECT locked_until FROM principals WHERE id = ?").param(user.id())
                .query(OffsetDateTime.class).single();
        assertThat(until.toInstant()).isBetween(Instant.now().plus(Duration.ofMinutes(14)),
                Instant.now().plus(Duration.ofMinutes(16)));

        // time passes (the server's clock is real, so the lock is moved into the past instead)
        jdbc.sql("UPDATE principals SET locked_until = now() - interval '1 second' WHERE id = ?").param(user.id()).update();
        assertThat(login(user.name(), user.password()).status()).isEqualTo(200);
        var row = jdbc.sql("SELECT failed_logins, locked_until FROM principals WHERE id = ?").param(user.id())
                .query().singleRow();
        assertThat(row.get("failed_logins")).isEqualTo(0);
        assertThat(row.get("locked_until")).isNull();
    }

    @Test
    void successResetsTheFailureCounter() {
        for (int i = 0; i < 4; i++) {
            assertThat(login(user.name(), "wrong password").status()).isEqualTo(401);
        }
        assertThat(login(user.name(), user.password()).status()).isEqualTo(200);
        for (int i = 0; i < 4; i++) {
            assertThat(login(user.name(), "wrong password").status()).isEqualTo(401);
        }
        assertThat(login(user.name(), user.password()).status()).isEqualTo(200);
    }

    @Test
    void logoutRevokesTheSession() {
        var client = api.anonymous().withToken(user.token());
        assertThat(client.me().id()).isEqualTo(user.id());

        assertThat(api.send("POST", "/api/v1/auth/logout", user.token(), null).status()).isEqualTo(204);

        assertThatThrownBy(client::me).isInstanceOf(OctvexApiException.class)
                .satisfies(e -> assertThat(((OctvexApiException) e).problem().status()).isEqualTo(401));
        assertThat(jdbc.sql("SELECT revoked_at FROM tokens WHERE principal_id = ? AND kind = 'session' AND revoked_at IS NOT NULL")
                .param(user.id()).query().listOfRows()).hasSize(1);
    }

    @Test
    void aDisabledUserCannotLogInAndItsSessionsStopWorking() {
        jdbc.sql("UPDATE principals SET disabled = true WHERE id = ?").param(user.id()).update();

        assertThat(login(user.name(), user.password()).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/me", user.token()).status()).isEqualTo(401);
    }

    @Test
    void agentsCannotLogIn() {
        var ws = api.newWorkspace("agent-login");
        var agent = api.admin().createPrincipal(ws.id(), new io.octvex.protocol.CreatePrincipal(
                PrincipalKind.AGENT, "agent-x", null, null, List.of(Role.AGENT)));
        assertThat(login(agent.principal().name(), "anything at all!").status()).isEqualTo(401);
    }

    @Test
    void missingFieldsAreClear400s() {
        TestApi.Response noPassword = api.send("POST", "/api/v1/auth/login", null, "{\"username\":\"x\"}");
        assertThat(noPassword.status()).isEqualTo(400);
        assertThat(noPassword.detail()).contains("'password' is required");
        TestApi.Response noBody = api.send("POST", "/api/v1/auth/login", null, null);
        assertThat(noBody.status()).isEqualTo(400);
    }

    private List<String> instanceEvents(String type, UUID principalId) {
        return jdbc.sql("SELECT data::text FROM events WHERE workspace_id = ? AND type = ? AND principal_id = ? ORDER BY seq")
                .params(AuditLog.INSTANCE, type, principalId).query(String.class).list();
    }

    private boolean secretAppearsInEvents(String secret) {
        String hashHex = java.util.HexFormat.of().formatHex(TokenSecrets.hash(secret));
        return jdbc.sql("SELECT count(*) FROM events WHERE data::text LIKE ? OR data::text LIKE ? OR data::text ILIKE ?")
                .params("%" + secret + "%", "%" + secret.substring(4) + "%", "%" + hashHex + "%")
                .query(Long.class).single() > 0;
    }
}
