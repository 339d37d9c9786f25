package io.octvex.server.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.EdgeEnrolled;
import io.octvex.protocol.EnrollEdge;
import io.octvex.protocol.Json;
import io.octvex.server.OctvexProperties;
import io.octvex.server.ServerTest;
import io.octvex.server.identity.TestApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** `./octvex up` makes the machine a fixed host: the server leaves a one-time token for its local edge. */
@ServerTest
class LocalEdgeEnrollmentTest {
    @LocalServerPort
    int port;
    @Autowired
    Enrollments enrollments;
    @Autowired
    JdbcClient jdbc;
    @TempDir
    Path home;

    private LocalEdgeEnrollment localEdge() {
        FleetProperties fleet = new FleetProperties(null, null, null, null, null, null, null, true);
        return new LocalEdgeEnrollment(fleet, new OctvexProperties(home, null, null, null), enrollments, jdbc);
    }

    private TestApi.Response enroll(String token) {
        return TestApi.on(port).send("POST", "/api/v1/edge/enroll", null, new EnrollEdge(token, "laptop",
                Map.of("host", "laptop"), List.of("http"), 2, Base64.getEncoder().encodeToString(new byte[32]), "test"));
    }

    @Test
    void aSingleUseTokenForTheDefaultWorkspaceIsLeftReadableByTheOwnerOnly() throws Exception {
        Path file = localEdge().prepare().orElseThrow();

        assertThat(file).isEqualTo(home.resolve("run/local-edge.enroll"));
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String token = Files.readString(file);
        UUID defaultWorkspace = jdbc.sql("SELECT id FROM workspaces WHERE name = 'default' AND status = 'active'")
                .query(UUID.class).single();

        TestApi.Response first = enroll(token);
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(Json.read(first.body(), EdgeEnrolled.class).workspaceIds()).containsExactly(defaultWorkspace);
        assertThat(enroll(token).status()).isEqualTo(410);
    }

    @Test
    void anEdgeThatIsAlreadyEnrolledGetsNoNewToken() throws Exception {
        Files.createDirectories(home.resolve("edge"));
        Files.writeString(home.resolve("edge/identity.json"), "{}");
        assertThat(localEdge().prepare()).isEmpty();
        assertThat(home.resolve("run/local-edge.enroll")).doesNotExist();
    }
}
