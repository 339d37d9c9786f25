package io.octvex.server.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The external backend runs its command with the token and the edge's settings in the environment. */
class ExternalBackendTest {
    private static final String TOKEN = "ovx_enr_external-secret";
    private static final EdgeBackend.Launch LAUNCH = new EdgeBackend.Launch("scaler-0001", TOKEN,
            "http://127.0.0.1:9", Map.of("octvex.autoscaled", "scaler"), 2);

    @TempDir
    Path dir;

    private Path script(String body) throws IOException {
        Path script = dir.resolve("provision.sh");
        Files.writeString(script, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    @Test
    void theCommandGetsTheTokenAndTheEdgeSettingsInItsEnvironment() throws Exception {
        Path seen = dir.resolve("seen");
        Path script = script("printf '%s|%s|%s|%s|%s|%s|%s' \"$OCTVEX_ENROLL_TOKEN\" \"$OCTVEX_SERVER_URL\" "
                + "\"$OCTVEX_EDGE_NAME\" \"$OCTVEX_EDGE_LABELS\" \"$OCTVEX_EDGE_CAPACITY\" \"$OCTVEX_EDGE_ARGS\" \"$*\" > "
                + seen + "\n");
        new ExternalBackend(script + " provision").launch(LAUNCH);

        assertThat(Files.readString(seen)).isEqualTo(TOKEN + "|http://127.0.0.1:9|scaler-0001|octvex.autoscaled=scaler|2|"
                + "--server http://127.0.0.1:9 --wait --name scaler-0001 --label octvex.autoscaled=scaler --capacity 2"
                + "|provision");
    }

    @Test
    void aFailingCommandIsAnErrorWithItsOutput() throws Exception {
        Path script = script("echo 'quota exceeded' >&2\nexit 7\n");
        assertThatThrownBy(() -> new ExternalBackend(script.toString()).launch(LAUNCH)).isInstanceOf(IOException.class)
                .hasMessageContaining("failed with 7").hasMessageContaining("quota exceeded");
    }
}
