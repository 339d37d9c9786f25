package io.octvex.server.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.CreatePrincipal;
import io.octvex.protocol.CreateToken;
import io.octvex.protocol.CreateWorkspace;
import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.RenameWorkspace;
import io.octvex.protocol.Role;
import io.octvex.protocol.Scope;
import io.octvex.protocol.WorkspaceStatus;
import io.octvex.protocol.WorkspaceView;
import io.octvex.server.ServerTest;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.identity.TestApi;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

@ServerTest
class WorkspacesTest {
    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    TestApi api;
    String admin;

    @BeforeEach
    void setUp() {
        api = TestApi.on(port);
        admin = api.anonymous().login("admin", ServerTest.ADMIN_PASSWORD).token();
    }

    private long count(String sql, Object... params) {
        return jdbc.sql(sql).params(params).query(Long.class).single();
    }

    @Test
    void anAdminCreatesAWorkspaceAndOwnsIt() {
        String name = TestApi.unique("Research");
        TestApi.Response response = api.send("POST", "/api/v1/workspaces", admin, new CreateWorkspace("  " + name + "  "));

        assertThat(response.status()).isEqualTo(201);
        WorkspaceView created = io.octvex.protocol.Json.read(response.body(), WorkspaceView.class);
        assertThat(created.name()).isEqualTo(name);
        assertThat(created.status()).isEqualTo(WorkspaceStatus.ACTIVE);
        assertThat(created.roles()).containsExactly(Role.OWNER);
        assertThat(api.admin().workspace(created.id())).isEqualTo(created);
        assertThat(api.admin().workspaces()).extracting(WorkspaceView::id).contains(created.id())
                .doesNotContain(AuditLog.INSTANCE);

        assertThat(count("SELECT count(*) FROM events WHERE workspace_id = ? AND type = 'workspace.created'", created.id())).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM events WHERE workspace_id = ? AND type = 'workspace.created' AND data->>'workspaceId' = ?",
                AuditLog.INSTANCE, created.id().toString())).isEqualTo(1);
    }

    @Test
    void duplicateActiveNamesConflictIgnoringCase() {
        WorkspaceView first = api.newWorkspace("dup");
        TestApi.Response again = api.send("POST", "/api/v1/workspaces", admin, new CreateWorkspace(first.name().toUpperCase()));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.detail()).contains("already exists");

        WorkspaceView second = api.newWorkspace("dup2");
        TestApi.Response rename = api.send("PATCH", "/api/v1/workspaces/" + second.id(), admin, new RenameWorkspace(first.name()));
        assertThat(rename.status()).isEqualTo(409);

        // an archived workspace's name is free again
        api.admin().archiveWorkspace(first.id());
        assertThat(api.send("POST", "/api/v1/workspaces", admin, new CreateWorkspace(first.name())).status()).isEqualTo(201);
    }

    @Test
    void badNamesAreRefusedAndNothingIsWritten() {
        long before = count("SELECT count(*) FROM workspaces");
        for (String bad : List.of("", "   ", "x".repeat(101), "line\nbreak", "nul\u0000char")) {
            TestApi.Response response = api.send("POST", "/api/v1/workspaces", admin, new CreateWorkspace(bad));
            assertThat(response.status()).as("'%s'", bad).isEqualTo(400);
            assertThat(response.detail()).startsWith("'name' must");
        }
        assertThat(api.send("POST", "/api/v1/workspaces", admin, "{}").detail()).isEqualTo("'name' is required");
        assertThat(api.send("POST", "/api/v1/workspaces", admin, "{\"name\":\"a\",\"color\":\"red\"}").status()).isEqualTo(400);
        assertThat(count("SELECT count(*) FROM workspaces")).isEqualTo(before);
    }

    @Test
    void onlyInstanceAdminsWithASessionCreateWorkspaces() {
        WorkspaceView ws = api.newWorkspace("create-rights");
        TestApi.User owner = api.newUser(ws.id(), Role.OWNER);
        assertThat(api.send("POST", "/api/v1/workspaces", owner.token(), new CreateWorkspace(TestApi.unique("nope"))).status())
                .isEqualTo(403);
        String adminToken = api.adminToken(ws.id(), Scope.values()).secret();
        assertThat(api.send("POST", "/api/v1/workspaces", adminToken, new CreateWorkspace(TestApi.unique("nope"))).status())
                .isEqualTo(403);
    }

    @Test
    void renameNeedsWorkspaceAdmin() {
        WorkspaceView ws = api.newWorkspace("rename");
        TestApi.User viewer = api.newUser(ws.id(), Role.VIEWER);
        TestApi.User operator = api.newUser(ws.id(), Role.OPERATOR);

        assertThat(api.send("PATCH", "/api/v1/workspaces/" + ws.id(), viewer.token(), new RenameWorkspace("mine")).status())
                .isEqualTo(403);
        TestApi.Response byOperator = api.send("PATCH", "/api/v1/workspaces/" + ws.id(), operator.token(), new RenameWorkspace("mine"));
        assertThat(byOperator.status()).isEqualTo(403);
        assertThat(byOperator.detail()).contains("workspace:admin");

        String newName = TestApi.unique("renamed");
        WorkspaceView renamed = api.admin().renameWorkspace(ws.id(), newName);
        assertThat(renamed.name()).isEqualTo(newName);
        assertThat(renamed.updatedAt()).isAfterOrEqualTo(ws.updatedAt());
        assertThat(viewer.client().workspace(ws.id()).name()).isEqualTo(newName);
        assertThat(jdbc.sql("SELECT data::text FROM events WHERE workspace_id = ? AND type = 'workspace.renamed'")
                .param(ws.id()).query(String.class).single()).contains(ws.name()).contains(newName);
    }

    @Test
    void archivedWorkspacesCanBeReadButNotChanged() {
        WorkspaceView ws = api.newWorkspace("archive");
        TestApi.User admin2 = api.newUser(ws.id(), Role.ADMIN);
        TestApi.User viewer = api.newUser(ws.id(), Role.VIEWER);

        TestApi.Response byAdmin = api.send("POST", "/api/v1/workspaces/" + ws.id() + "/archive", admin2.token(), null);
        assertThat(byAdmin.status()).isEqualTo(403);
        assertThat(byAdmin.detail()).contains("owner");

        WorkspaceView archived = api.admin().archiveWorkspace(ws.id());
        assertThat(archived.status()).isEqualTo(WorkspaceStatus.ARCHIVED);
        assertThat(count("SELECT count(*) FROM events WHERE workspace_id = ? AND type = 'workspace.archived'", ws.id())).isEqualTo(1);

        // reads work
        assertThat(viewer.client().workspace(ws.id()).status()).isEqualTo(WorkspaceStatus.ARCHIVED);
        assertThat(viewer.client().members(ws.id())).hasSize(3);
        assertThat(api.admin().workspaces()).extracting(WorkspaceView::id).contains(ws.id());
        // writes do not
        String base = "/api/v1/workspaces/" + ws.id();
        assertThat(api.send("PATCH", base, admin, new RenameWorkspace("again")).status()).isEqualTo(409);
        assertThat(api.send("POST", base + "/archive", admin, null).status()).isEqualTo(409);
        assertThat(api.send("POST", base + "/members", admin,
                new CreatePrincipal(PrincipalKind.AGENT, "late", null, null, List.of(Role.AGENT))).status()).isEqualTo(409);
        assertThat(api.send("POST", base + "/tokens", admin,
                new CreateToken("late", List.of(Scope.RUNS_READ), null, null)).status()).isEqualTo(409);
        assertThat(api.get(base, admin).body()).contains("\"archived\"");
    }

    @Test
    void anApiTokenListsOnlyItsOwnWorkspaceAndNeverTheSystemOne() {
        WorkspaceView a = api.newWorkspace("list-a");
        api.newWorkspace("list-b");
        String token = api.adminToken(a.id(), Scope.WORKSPACE_READ).secret();

        assertThat(api.anonymous().withToken(token).workspaces()).extracting(WorkspaceView::id).containsExactly(a.id());
        assertThat(api.get("/api/v1/workspaces/" + AuditLog.INSTANCE, admin).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/workspaces/not-a-uuid", admin).status()).isEqualTo(400);
    }
}
