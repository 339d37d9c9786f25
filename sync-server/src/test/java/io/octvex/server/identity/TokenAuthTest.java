package io.octvex.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.IssuedToken;
import io.octvex.protocol.Scope;
import io.octvex.protocol.WorkspaceView;
import io.octvex.server.ServerTest;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

@ServerTest
class TokenAuthTest {
    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    WorkspaceAccess access;

    TestApi api;
    WorkspaceView ws;
    IssuedToken token;

    @BeforeEach
    void setUp() {
        api = TestApi.on(port);
        ws = api.newWorkspace("auth");
        token = api.adminToken(ws.id(), Scope.WORKSPACE_READ);
    }

    private String wsPath() {
        return "/api/v1/workspaces/" + ws.id();
    }

    @Test
    void aValidApiTokenIsAccepted() {
        TestApi.Response response = api.get(wsPath(), token.secret());
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains(ws.id().toString());
    }

    @Test
    void missingTokenIs401WithABearerChallenge() {
        TestApi.Response response = api.get(wsPath(), null);
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"octvex\"");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("problem+json"));
        assertThat(response.detail()).contains("Authorization: Bearer");
        assertThat(response.body()).doesNotContain(ws.name());
    }

    @Test
    void everyApiPathNeedsAToken() {
        assertThat(api.get("/api/v1/me", null).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/workspaces", null).status()).isEqualTo(401);
        assertThat(api.send("POST", "/api/v1/auth/logout", null, null).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/does-not-exist", null).status()).isEqualTo(401);
        assertThat(api.get("/actuator/metrics", null).status()).isEqualTo(401);
    }

    @Test
    void publicPathsNeedNone() {
        assertThat(api.get("/actuator/health", null).status()).isEqualTo(200);
        TestApi.Response docs = api.get("/v3/api-docs", null);
        assertThat(docs.status()).isEqualTo(200);
        // the caller is not a request parameter
        assertThat(docs.body()).contains("/api/v1/auth/login").doesNotContain("\"name\":\"caller\"");
    }

    @Test
    void unknownMalformedAndNonBearerTokensGetOneGenericAnswer() {
        TestApi.Response unknown = api.get(wsPath(), "ovx_" + "A".repeat(43));
        TestApi.Response garbage = api.get(wsPath(), "not-a-token");
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(garbage.status()).isEqualTo(401);
        assertThat(unknown.detail()).isEqualTo(garbage.detail());

        TestApi.Response basic = api.send("GET", wsPath(), null, null);
        assertThat(basic.status()).isEqualTo(401);
    }

    @Test
    void anExpiredTokenIsRefused() {
        jdbc.sql("UPDATE tokens SET expires_at = now() - interval '1 second' WHERE id = ?").param(token.token().id()).update();
        TestApi.Response response = api.get(wsPath(), token.secret());
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.detail()).isEqualTo("the token is not valid: it is unknown, expired or revoked");
    }

    @Test
    void aRevokedTokenIsRefused() {
        api.admin().revokeToken(ws.id(), token.token().id());
        TestApi.Response response = api.get(wsPath(), token.secret());
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.detail()).isEqualTo("the token is not valid: it is unknown, expired or revoked");
    }

    @Test
    void aTokenInTheQueryStringIsRefusedEvenAlongsideAValidHeader() {
        TestApi.Response response = api.get(wsPath() + "?access_token=" + token.secret(), null);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.detail()).contains("Authorization: Bearer");
        assertThat(api.get(wsPath() + "?token=" + token.secret(), token.secret()).status()).isEqualTo(400);
        assertThat(api.get(wsPath() + "?x=1&Access_Token=abc", null).status()).isEqualTo(400);
    }

    @Test
    void useIsRecordedAtMostOncePerMinuteAndAuditedInTheTokensWorkspace() {
        for (int i = 0; i < 3; i++) {
            assertThat(api.get(wsPath(), token.secret()).status()).isEqualTo(200);
        }
        OffsetDateTime lastUsed = jdbc.sql("SELECT last_used_at FROM tokens WHERE id = ?").param(token.token().id())
                .query(OffsetDateTime.class).single();
        assertThat(lastUsed).isNotNull();
        var used = jdbc.sql("SELECT data::text FROM events WHERE workspace_id = ? AND type = 'token.used'")
                .param(ws.id()).query(String.class).list();
        assertThat(used).hasSize(1);
        assertThat(used.getFirst()).contains(token.token().id().toString()).doesNotContain(token.secret());

        // a minute later (moved in the database, the clock is real) the next use is recorded again
        jdbc.sql("UPDATE tokens SET last_used_at = last_used_at - interval '61 seconds' WHERE id = ?")
                .param(token.token().id()).update();
        assertThat(api.get(wsPath(), token.secret()).status()).isEqualTo(200);
        assertThat(jdbc.sql("SELECT count(*) FROM events WHERE workspace_id = ? AND type = 'token.used'")
                .param(ws.id()).query(Long.class).single()).isEqualTo(2);
        assertThat(api.admin().tokens(ws.id())).filteredOn(t -> t.id().equals(token.token().id()))
                .singleElement().satisfies(t -> assertThat(t.lastUsedAt()).isNotNull());
    }

    @Test
    void revocationCutsOffAnAlreadyAuthenticatedCallerAtTheNextAccessCheck() {
        // long-lived event streams authenticate once and then rely on WorkspaceAccess re-checking the token
        Caller caller = new Caller(token.token().principalId(), io.octvex.protocol.PrincipalKind.USER, "admin", true,
                token.token().id(), ws.id(), java.util.Set.of(Scope.WORKSPACE_READ));
        assertThat(access.require(caller, ws.id(), Scope.WORKSPACE_READ)).isNotEmpty();

        api.admin().revokeToken(ws.id(), token.token().id());

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> access.require(caller, ws.id(), Scope.WORKSPACE_READ))
                .isInstanceOfSatisfying(io.octvex.server.web.ApiException.class,
                        e -> assertThat(e.status().value()).isEqualTo(401));
    }
}
