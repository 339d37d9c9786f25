package io.octvex.server.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The docker backend's command line and its error without a docker CLI; no engine needed. */
class DockerBackendTest {
    private static final String TOKEN = "ovx_enr_secret-never-on-a-command-line";
    private static final EdgeBackend.Launch LAUNCH = new EdgeBackend.Launch("scaler-1a2b3c4d", TOKEN,
            "http://10.0.0.5:8080", Map.of("octvex.autoscaled", "scaler"), 4);

    @TempDir
    Path dir;

    @Test
    void theCommandLineRunsTheImageDetachedWithTheTokenFromTheEnvironment() {
        DockerBackend docker = new DockerBackend("docker", "ghcr.io/octvex/edge:1", "octvex-net", "");
        List<String> line = docker.commandLine("/usr/bin/docker", LAUNCH);

        assertThat(line).containsExactly("/usr/bin/docker", "run", "-d", "--rm", "--name", "scaler-1a2b3c4d",
                "--label", "octvex.autoscaled=scaler", "--network", "octvex-net", "-e", "OCTVEX_ENROLL_TOKEN",
                "ghcr.io/octvex/edge:1", "--server", "http://10.0.0.5:8080", "--wait", "--name", "scaler-1a2b3c4d",
                "--label", "octvex.autoscaled=scaler", "--capacity", "4");
        assertThat(String.join(" ", line)).doesNotContain(TOKEN).doesNotContain("--enroll");
        assertThat(LAUNCH.toString()).doesNotContain(TOKEN);
    }

    @Test
    void withoutANetworkThereIsNoNetworkFlag() {
        List<String> line = new DockerBackend("docker", "edge:latest", null, "").commandLine("docker", LAUNCH);
        assertThat(line).doesNotContain("--network").contains("edge:latest");
    }

    @Test
    void theDockerCliIsFoundOnPath() throws Exception {
        Path fake = dir.resolve("docker");
        Files.writeString(fake, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        assertThat(new DockerBackend("docker", "edge", null, "/nonexistent:" + dir).resolveDocker())
                .isEqualTo(fake.toString());
    }

    @Test
    void aMissingDockerBinaryGivesAClearError() {
        DockerBackend docker = new DockerBackend("docker", "edge:latest", null, dir.toString());
        assertThatThrownBy(() -> docker.launch(LAUNCH)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("docker CLI").hasMessageContaining("not found on PATH")
                .hasMessageContaining("octvex.fleet.autoscaler.docker");
        assertThatThrownBy(() -> new DockerBackend(dir.resolve("no/docker").toString(), "edge", null, "").launch(LAUNCH))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not an executable file");
    }

    @Test
    void edgesStartedFromTheServerDoNotInheritItsSettings() {
        Map<String, String> env = new java.util.HashMap<>(Map.of("OCTVEX_ADMIN_PASSWORD", "pw", "OCTVEX_HOME", "/srv",
                "OCTVEX_BROWSER_PROVIDER", "local", "PATH", "/usr/bin"));
        EdgeBackend.edgeEnvironment(env, TOKEN);
        assertThat(env).containsOnlyKeys("OCTVEX_BROWSER_PROVIDER", "PATH", "OCTVEX_ENROLL_TOKEN")
                .containsEntry("OCTVEX_ENROLL_TOKEN", TOKEN);
    }
}
