package io.octvex.server.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.Role;
import io.octvex.server.ServerTest;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.identity.TestApi;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

@ServerTest
class FirstStartTest {
    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    FirstStart firstStart;

    @Test
    void theFirstStartCreatedTheAdminAndTheDefaultWorkspace() {
        Map<String, Object> admin = jdbc.sql("SELECT id, instance_admin, password_hash FROM principals WHERE kind = 'user' AND name = 'admin'")
                .query().singleRow();
        assertThat(admin.get("instance_admin")).isEqualTo(true);
        assertThat((String) admin.get("password_hash")).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");

        TestApi api = TestApi.on(port);
        var session = api.anonymous().login("admin", ServerTest.ADMIN_PASSWORD);
        assertThat(session.principal().instanceAdmin()).isTrue();
        var client = api.anonymous().withToken(session.token());
        assertThat(client.workspaces()).filteredOn(w -> w.name().equals(FirstStart.DEFAULT_WORKSPACE)).singleElement()
                .satisfies(w -> assertThat(w.roles()).containsExactly(Role.OWNER));

        assertThat(jdbc.sql("SELECT count(*) FROM events WHERE workspace_id = ? AND type = 'instance.bootstrapped'")
                .param(AuditLog.INSTANCE).query(Long.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM events WHERE data::text LIKE ?").param("%" + ServerTest.ADMIN_PASSWORD + "%")
                .query(Long.class).single()).isZero();
    }

    @Test
    void laterAndConcurrentStartsCreateNoSecondAdmin() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Boolean>> starts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                starts.add(() -> firstStart.createAdminIfNone().isPresent());
            }
            for (Future<Boolean> f : pool.invokeAll(starts)) {
                assertThat(f.get()).isFalse();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(jdbc.sql("SELECT count(*) FROM principals WHERE instance_admin").query(Long.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM workspaces WHERE name = 'default'").query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void theBoxShowsTheUrlAndOnlyAGeneratedPassword(@TempDir Path dir) {
        String given = render("http://127.0.0.1:7700", "admin", null, null);
        assertThat(given).contains("Octvex is ready at http://127.0.0.1:7700").contains("username: admin")
                .contains("the password from OCTVEX_ADMIN_PASSWORD").contains("curl -s -X POST http://127.0.0.1:7700/api/v1/auth/login")
                .doesNotContain("saved to");

        String generated = render("http://127.0.0.1:7700", "admin", "Generated-Password-24chr".toCharArray(),
                dir.resolve("initial-admin.txt"));
        assertThat(generated).contains("password: Generated-Password-24chr").contains("initial-admin.txt")
                .contains("readable by you only");
        // the login example is one line a person can paste into a shell
        assertThat(generated.lines().filter(l -> l.contains("curl"))).singleElement().satisfies(l -> assertThat(l)
                .contains("/api/v1/auth/login").contains("Content-Type: application/json")
                .contains("\\\"password\\\":\\\"Generated-Password-24chr\\\"").doesNotEndWith("\\"));
    }

    @Test
    void theCredentialsFileIsReadableByItsOwnerOnly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("nested").resolve(FirstStartAnnouncer.CREDENTIALS_FILE);
        FirstStartAnnouncer.writeOwnerOnly(file, "password=secret-" + UUID.randomUUID() + "\n");
        FirstStartAnnouncer.writeOwnerOnly(file, "password=again\n");

        assertThat(Files.readString(file)).isEqualTo("password=again\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    private static String render(String url, String username, char[] password, Path file) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FirstStartAnnouncer.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), url, username, password, file);
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
