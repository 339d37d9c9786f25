package io.octvex.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.CreatePrincipal;
import io.octvex.protocol.CreateToken;
import io.octvex.protocol.IssuedToken;
import io.octvex.protocol.MemberView;
import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.Role;
import io.octvex.protocol.Scope;
import io.octvex.protocol.TokenView;
import io.octvex.protocol.WorkspaceView;
import io.octvex.server.ServerTest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

@ServerTest
class TokensTest {
    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    TestApi api;
    WorkspaceView ws;

    @BeforeEach
    void setUp() {
        api = TestApi.on(port);
        ws = api.newWorkspace("tokens");
    }

    private String path(String suffix) {
        return "/api/v1/workspaces/" + ws.id() + suffix;
    }

    private TestApi.Response create(String token, Object body) {
        return api.send("POST", path("/tokens"), token, body);
    }

    @Test
    void issuedTokenIsShownOnceStoredHashedAndAuditedWithoutTheSecret() {
        IssuedToken issued = api.adminToken(ws.id(), Scope.RUNS_READ, Scope.EVENTS_READ);

        assertThat(issued.secret()).startsWith("ovx_");
        assertThat(issued.token().scopes()).containsExactly(Scope.RUNS_READ, Scope.EVENTS_READ);
        assertThat(issued.token().expiresAt()).isBetween(Instant.now().plus(Duration.ofDays(89)),
                Instant.now().plus(Duration.ofDays(91)));
        byte[] stored = jdbc.sql("SELECT token_hash FROM tokens WHERE id = ?").param(issued.token().id())
                .query(byte[].class).single();
        assertThat(stored).isEqualTo(TokenSecrets.hash(issued.secret()));

        String created = jdbc.sql("SELECT data::text FROM events WHERE workspace_id = ? AND type = 'token.created'")
                .param(ws.id()).query(String.class).single();
        assertThat(created).contains(issued.token().id().toString()).contains("runs:read").contains("principalId");
        String hashHex = HexFormat.of().formatHex(stored);
        assertThat(jdbc.sql("SELECT count(*) FROM events WHERE data::text LIKE ? OR data::text LIKE ? OR data::text ILIKE ?")
                .params("%" + issued.secret() + "%", "%" + issued.secret().substring(4, 30) + "%", "%" + hashHex + "%")
                .query(Long.class).single()).isZero();

        // listing shows metadata only, never the secret
        TestApi.Response list = api.get(path("/tokens"), issued.secret());
        assertThat(list.status()).isEqualTo(200); // a runs:read token still lists its own tokens
        assertThat(list.body()).contains(issued.token().id().toString()).doesNotContain(issued.secret());
    }

    @Test
    void aNarrowTokenCannotDoWhatItsScopesLeaveOut() {
        IssuedToken runsOnly = api.adminToken(ws.id(), Scope.RUNS_READ);
        TestApi.Response response = api.send("POST", path("/members"), runsOnly.secret(),
                new CreatePrincipal(PrincipalKind.AGENT, "bot", null, null, List.of(Role.AGENT)));

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.detail()).contains("members:manage");
        assertThat(jdbc.sql("SELECT count(*) FROM principals WHERE home_workspace_id = ?").param(ws.id())
                .query(Long.class).single()).isZero();
        // and it cannot read the workspace either: workspace:read was not granted
        assertThat(api.get(path(""), runsOnly.secret()).status()).isEqualTo(403);
    }

    @Test
    void scopesBeyondYourRightsAreRefused() {
        TestApi.User viewer = api.newUser(ws.id(), Role.VIEWER);
        TestApi.Response response = create(viewer.token(), new CreateToken("mine", List.of(Scope.RUNS_WRITE), null, null));
        assertThat(response.status()).isEqualTo(403);
        assertThat(response.detail()).contains("runs:write");

        assertThat(create(viewer.token(), new CreateToken("mine", List.of(Scope.RUNS_READ), null, null)).status())
                .isEqualTo(201);

        // a token cannot mint a wider token either
        IssuedToken narrow = api.adminToken(ws.id(), Scope.WORKSPACE_READ, Scope.TOKENS_MANAGE);
        TestApi.Response wider = create(narrow.secret(), new CreateToken("wider", List.of(Scope.RUNS_EXECUTE), null, null));
        assertThat(wider.status()).isEqualTo(403);
        assertThat(jdbc.sql("SELECT count(*) FROM tokens WHERE workspace_id = ? AND name = 'wider'").param(ws.id())
                .query(Long.class).single()).isZero();
    }

    @Test
    void tokensForAnAgentNeedTokensManageAndMembership() {
        MemberView agent = api.admin().createPrincipal(ws.id(),
                new CreatePrincipal(PrincipalKind.AGENT, "worker", null, null, List.of(Role.AGENT)));
        TestApi.User operator = api.newUser(ws.id(), Role.OPERATOR);

        TestApi.Response byOperator = create(operator.token(),
                new CreateToken("for-agent", List.of(Scope.RUNS_READ), agent.principal().id(), null));
        assertThat(byOperator.status()).isEqualTo(403);

        IssuedToken forAgent = api.admin().createToken(ws.id(),
                new CreateToken("for-agent", List.of(Scope.RUNS_READ, Scope.RUNS_WRITE), agent.principal().id(), null));
        assertThat(forAgent.token().principalId()).isEqualTo(agent.principal().id());
        assertThat(api.anonymous().withToken(forAgent.secret()).me().id()).isEqualTo(agent.principal().id());

        // beyond the agent's roles (agent role has no runs:execute)
        TestApi.Response beyond = create(api.adminToken(ws.id(), Scope.values()).secret(),
                new CreateToken("too-much", List.of(Scope.RUNS_EXECUTE), agent.principal().id(), null));
        assertThat(beyond.status()).isEqualTo(400);

        // not a member of this workspace
        WorkspaceView other = api.newWorkspace("tokens-other");
        MemberView stranger = api.admin().createPrincipal(other.id(),
                new CreatePrincipal(PrincipalKind.SERVICE, "ci", null, null, List.of(Role.OPERATOR)));
        TestApi.Response notMember = api.send("POST", path("/tokens"), adminSession(),
                new CreateToken("x", List.of(Scope.RUNS_READ), stranger.principal().id(), null));
        assertThat(notMember.status()).isEqualTo(404);

        // a person's tokens are issued by that person only
        TestApi.Response forUser = api.send("POST", path("/tokens"), adminSession(),
                new CreateToken("x", List.of(Scope.RUNS_READ), operator.id(), null));
        assertThat(forUser.status()).isEqualTo(403);
    }

    @Test
    void badInputIsRefusedWithAClearMessageAndNothingIsWritten() {
        String admin = adminSession();
        assertThat(create(admin, new CreateToken("", List.of(Scope.RUNS_READ), null, null)).detail())
                .isEqualTo("'name' must be 1 to 100 characters");
        assertThat(create(admin, new CreateToken("x".repeat(101), List.of(Scope.RUNS_READ), null, null)).status()).isEqualTo(400);
        assertThat(create(admin, new CreateToken("a\nb", List.of(Scope.RUNS_READ), null, null)).detail()).contains("control");
        assertThat(create(admin, new CreateToken("x", List.of(), null, null)).detail()).contains("'scopes'");
        assertThat(create(admin, new CreateToken("x", List.of(Scope.RUNS_READ), null, Instant.now().minusSeconds(5))).detail())
                .contains("'expiresAt' must be in the future");
        assertThat(create(admin, new CreateToken("x", List.of(Scope.RUNS_READ), null, Instant.now().plus(Duration.ofDays(400)))).detail())
                .contains("at most one year");
        TestApi.Response unknownScope = create(admin, "{\"name\":\"x\",\"scopes\":[\"runs:fly\"]}");
        assertThat(unknownScope.status()).isEqualTo(400);
        assertThat(unknownScope.detail()).contains("unknown scope");
        assertThat(jdbc.sql("SELECT count(*) FROM tokens WHERE workspace_id = ?").param(ws.id()).query(Long.class).single()).isZero();
    }

    @Test
    void listingShowsOwnTokensUnlessYouManageTokens() {
        TestApi.User viewer = api.newUser(ws.id(), Role.VIEWER);
        IssuedToken viewerToken = viewer.client().createToken(ws.id(), new CreateToken("v", List.of(Scope.RUNS_READ), null, null));
        IssuedToken adminToken = api.adminToken(ws.id(), Scope.RUNS_READ);

        assertThat(viewer.client().tokens(ws.id())).extracting(TokenView::id).containsExactly(viewerToken.token().id());
        assertThat(api.admin().tokens(ws.id())).extracting(TokenView::id)
                .contains(viewerToken.token().id(), adminToken.token().id());

        // the viewer cannot revoke the admin's token (it cannot even see it) but can revoke its own
        assertThat(api.send("POST", path("/tokens/" + adminToken.token().id() + "/revoke"), viewer.token(), null).status())
                .isEqualTo(404);
        TokenView revoked = viewer.client().revokeToken(ws.id(), viewerToken.token().id());
        assertThat(revoked.revokedAt()).isNotNull();
        assertThat(jdbc.sql("SELECT count(*) FROM events WHERE workspace_id = ? AND type = 'token.revoked'")
                .param(ws.id()).query(Long.class).single()).isEqualTo(1);
        // revoking again changes nothing
        viewer.client().revokeToken(ws.id(), viewerToken.token().id());
        assertThat(jdbc.sql("SELECT count(*) FROM events WHERE workspace_id = ? AND type = 'token.revoked'")
                .param(ws.id()).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void aTokenOfWorkspaceAIsNotFoundOnWorkspaceB() {
        WorkspaceView other = api.newWorkspace("tokens-b");
        IssuedToken tokenA = api.adminToken(ws.id(), Scope.values());
        IssuedToken tokenB = api.adminToken(other.id(), Scope.RUNS_READ);
        String b = "/api/v1/workspaces/" + other.id();

        for (TestApi.Response response : List.of(
                api.get(b, tokenA.secret()),
                api.get(b + "/members", tokenA.secret()),
                api.get(b + "/tokens", tokenA.secret()),
                api.send("PATCH", b, tokenA.secret(), "{\"name\":\"stolen\"}"),
                api.send("POST", b + "/tokens", tokenA.secret(), new CreateToken("x", List.of(Scope.RUNS_READ), null, null)),
                api.send("POST", b + "/tokens/" + tokenB.token().id() + "/revoke", tokenA.secret(), null),
                api.send("POST", b + "/archive", tokenA.secret(), null))) {
            assertThat(response.status()).isEqualTo(404);
            // the same answer as for a workspace that does not exist; only what the caller sent is echoed
            assertThat(response.detail()).isEqualTo("workspace " + other.id() + " was not found");
            assertThat(response.body()).doesNotContain(other.name()).doesNotContain("admin");
        }
        // the admin's session can see both, the A token lists only A
        assertThat(api.anonymous().withToken(tokenA.secret()).workspaces()).extracting(w -> w.id()).containsExactly(ws.id());
        assertThat(jdbc.sql("SELECT revoked_at FROM tokens WHERE id = ?").param(tokenB.token().id()).query().singleRow()
                .get("revoked_at")).isNull();
    }

    @Test
    void removingAMemberRevokesTheirTokensInThatWorkspace() {
        TestApi.User operator = api.newUser(ws.id(), Role.OPERATOR);
        IssuedToken token = operator.client().createToken(ws.id(), new CreateToken("op", List.of(Scope.RUNS_READ), null, null));
        api.admin().removeMember(ws.id(), operator.id());
        assertThat(api.get(path(""), token.secret()).status()).isEqualTo(401);
        assertThat(jdbc.sql("SELECT data->>'tokensRevoked' FROM events WHERE workspace_id = ? AND type = 'member.removed'")
                .param(ws.id()).query(String.class).single()).isEqualTo("1");
    }

    private String adminSession() {
        return api.anonymous().login("admin", ServerTest.ADMIN_PASSWORD).token();
    }
}
