package io.octvex.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.CreatePrincipal;
import io.octvex.protocol.MemberView;
import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.PutMembership;
import io.octvex.protocol.Role;
import io.octvex.protocol.WorkspaceView;
import io.octvex.server.ServerTest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

@ServerTest
class MembersTest {
    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    TestApi api;
    WorkspaceView ws;
    UUID adminId;

    @BeforeEach
    void setUp() {
        api = TestApi.on(port);
        ws = api.newWorkspace("members");
        adminId = api.admin().me().id();
    }

    private String path(String suffix) {
        return "/api/v1/workspaces/" + ws.id() + "/members" + suffix;
    }

    private long events(String type) {
        return jdbc.sql("SELECT count(*) FROM events WHERE workspace_id = ? AND type = ?").params(ws.id(), type)
                .query(Long.class).single();
    }

    @Test
    void createsUsersAndAgentsAndNeverShowsPasswordHashes() {
        TestApi.Response user = api.send("POST", path(""), adminSession(),
                new CreatePrincipal(PrincipalKind.USER, "  alice-" + UUID.randomUUID() + " ", "Alice", "a long enough password",
                        List.of(Role.APPROVER, Role.VIEWER)));
        assertThat(user.status()).isEqualTo(201);
        assertThat(user.body()).doesNotContain("argon2").doesNotContain("password");
        MemberView alice = io.octvex.protocol.Json.read(user.body(), MemberView.class);
        assertThat(alice.principal().name()).startsWith("alice-").doesNotEndWith(" ");
        assertThat(alice.roles()).containsExactly(Role.APPROVER, Role.VIEWER);

        MemberView agent = api.admin().createPrincipal(ws.id(),
                new CreatePrincipal(PrincipalKind.AGENT, "triage-bot", null, null, List.of(Role.AGENT)));
        assertThat(agent.principal().kind()).isEqualTo(PrincipalKind.AGENT);
        assertThat(jdbc.sql("SELECT home_workspace_id FROM principals WHERE id = ?").param(agent.principal().id())
                .query(UUID.class).single()).isEqualTo(ws.id());

        TestApi.Response list = api.get(path(""), adminSession());
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).contains("triage-bot").contains(alice.principal().name()).doesNotContain("argon2");
        assertThat(api.admin().members(ws.id())).hasSize(3);
        assertThat(events("member.created")).isEqualTo(2);
        assertThat(jdbc.sql("SELECT count(*) FROM events WHERE data::text LIKE '%a long enough password%'")
                .query(Long.class).single()).isZero();
    }

    @Test
    void refusesBadInputWithClearMessagesAndWritesNothing() {
        String admin = adminSession();
        record Case(CreatePrincipal request, String detail) {}
        List<Case> cases = List.of(
                new Case(new CreatePrincipal(PrincipalKind.USER, "u-" + UUID.randomUUID(), null, null, List.of(Role.VIEWER)), "'password' is required"),
                new Case(new CreatePrincipal(PrincipalKind.USER, "u-" + UUID.randomUUID(), null, "short", List.of(Role.VIEWER)), "12 to 256"),
                new Case(new CreatePrincipal(PrincipalKind.AGENT, "a", null, "a long enough password", List.of(Role.AGENT)), "'password' is only for users"),
                new Case(new CreatePrincipal(PrincipalKind.AGENT, "", null, null, List.of(Role.AGENT)), "'name' must be 1 to 100 characters"),
                new Case(new CreatePrincipal(PrincipalKind.AGENT, "x".repeat(101), null, null, List.of(Role.AGENT)), "'name' must be 1 to 100 characters"),
                new Case(new CreatePrincipal(PrincipalKind.AGENT, "tab\there", null, null, List.of(Role.AGENT)), "control characters"),
                new Case(new CreatePrincipal(PrincipalKind.AGENT, "a", null, null, List.of()), "'roles'"),
                new Case(new CreatePrincipal(null, "a", null, null, List.of(Role.AGENT)), "'kind' is required"));
        for (Case c : cases) {
            TestApi.Response response = api.send("POST", path(""), admin, c.request());
            assertThat(response.status()).as(c.detail()).isEqualTo(400);
            assertThat(response.detail()).contains(c.detail());
        }
        TestApi.Response badRole = api.send("POST", path(""), admin,
                "{\"kind\":\"agent\",\"name\":\"a\",\"roles\":[\"superuser\"]}");
        assertThat(badRole.status()).isEqualTo(400);
        assertThat(badRole.detail()).contains("unknown role");
        assertThat(api.admin().members(ws.id())).hasSize(1);
        assertThat(events("member.created")).isZero();
    }

    @Test
    void duplicateNamesConflict() {
        api.admin().createPrincipal(ws.id(), new CreatePrincipal(PrincipalKind.AGENT, "dup", null, null, List.of(Role.AGENT)));
        TestApi.Response again = api.send("POST", path(""), adminSession(),
                new CreatePrincipal(PrincipalKind.SERVICE, "DUP", null, null, List.of(Role.AGENT)));
        assertThat(again.status()).isEqualTo(409);
        TestApi.Response adminAgain = api.send("POST", path(""), adminSession(),
                new CreatePrincipal(PrincipalKind.USER, "ADMIN", null, "a long enough password", List.of(Role.VIEWER)));
        assertThat(adminAgain.status()).isEqualTo(409);
    }

    @Test
    void putAddsExistingUsersAndChangesRoles() {
        WorkspaceView other = api.newWorkspace("members-other");
        TestApi.User bob = api.newUser(other.id(), Role.VIEWER);

        MemberView added = api.admin().putMembership(ws.id(), bob.id(), List.of(Role.OPERATOR));
        assertThat(added.roles()).containsExactly(Role.OPERATOR);
        assertThat(events("member.added")).isEqualTo(1);

        MemberView changed = api.admin().putMembership(ws.id(), bob.id(), List.of(Role.APPROVER, Role.OPERATOR));
        assertThat(changed.roles()).containsExactly(Role.APPROVER, Role.OPERATOR);
        assertThat(events("member.roles_changed")).isEqualTo(1);
        // the same roles again is not a change
        api.admin().putMembership(ws.id(), bob.id(), List.of(Role.OPERATOR, Role.APPROVER));
        assertThat(events("member.roles_changed")).isEqualTo(1);

        // bob now sees both workspaces
        assertThat(bob.client().workspaces()).extracting(w -> w.id()).contains(ws.id(), other.id());
    }

    @Test
    void agentsOfAnotherWorkspaceCannotBeAdded() {
        WorkspaceView other = api.newWorkspace("members-foreign");
        MemberView foreign = api.admin().createPrincipal(other.id(),
                new CreatePrincipal(PrincipalKind.AGENT, "foreign", null, null, List.of(Role.AGENT)));
        TestApi.Response response = api.send("PUT", path("/" + foreign.principal().id()), adminSession(),
                new PutMembership(List.of(Role.AGENT)));
        assertThat(response.status()).isEqualTo(404);
        assertThat(api.send("PUT", path("/" + UUID.randomUUID()), adminSession(), new PutMembership(List.of(Role.AGENT)))
                .status()).isEqualTo(404);
        assertThat(api.admin().members(ws.id())).hasSize(1);
    }

    @Test
    void theLastOwnerCannotBeRemovedOrDemoted() {
        TestApi.Response demote = api.send("PUT", path("/" + adminId), adminSession(), new PutMembership(List.of(Role.ADMIN)));
        assertThat(demote.status()).isEqualTo(409);
        assertThat(demote.detail()).contains("last owner");
        TestApi.Response remove = api.send("DELETE", path("/" + adminId), adminSession(), null);
        assertThat(remove.status()).isEqualTo(409);
        assertThat(api.admin().members(ws.id())).singleElement()
                .satisfies(m -> assertThat(m.roles()).containsExactly(Role.OWNER));

        // with a second owner the first may step down
        TestApi.User second = api.newUser(ws.id(), Role.OWNER);
        assertThat(api.admin().putMembership(ws.id(), adminId, List.of(Role.ADMIN)).roles()).containsExactly(Role.ADMIN);
        // and now the second is the last owner
        assertThat(api.send("DELETE", path("/" + second.id()), second.token(), null).status()).isEqualTo(409);
    }

    @Test
    void onlyOwnersGrantOrTakeAwayOwnership() {
        TestApi.User admin = api.newUser(ws.id(), Role.ADMIN);
        TestApi.User viewer = api.newUser(ws.id(), Role.VIEWER);

        TestApi.Response grant = api.send("PUT", path("/" + viewer.id()), admin.token(), new PutMembership(List.of(Role.OWNER)));
        assertThat(grant.status()).isEqualTo(403);
        TestApi.Response demoteOwner = api.send("PUT", path("/" + adminId), admin.token(), new PutMembership(List.of(Role.VIEWER)));
        assertThat(demoteOwner.status()).isEqualTo(403);
        // but an admin manages other roles
        assertThat(admin.client().putMembership(ws.id(), viewer.id(), List.of(Role.OPERATOR)).roles())
                .containsExactly(Role.OPERATOR);
        // a viewer manages nothing
        assertThat(api.send("DELETE", path("/" + admin.id()), viewer.token(), null).status()).isEqualTo(403);
    }

    @Test
    void removingAMemberEndsTheirAccess() {
        TestApi.User viewer = api.newUser(ws.id(), Role.VIEWER);
        assertThat(viewer.client().workspace(ws.id()).id()).isEqualTo(ws.id());

        assertThat(api.send("DELETE", path("/" + viewer.id()), adminSession(), null).status()).isEqualTo(204);

        assertThat(api.get("/api/v1/workspaces/" + ws.id(), viewer.token()).status()).isEqualTo(404);
        assertThat(viewer.client().workspaces()).extracting(w -> w.id()).doesNotContain(ws.id());
        assertThat(events("member.removed")).isEqualTo(1);
        assertThat(api.send("DELETE", path("/" + viewer.id()), adminSession(), null).status()).isEqualTo(404);
    }

    private String adminSession() {
        return api.anonymous().login("admin", ServerTest.ADMIN_PASSWORD).token();
    }
}
