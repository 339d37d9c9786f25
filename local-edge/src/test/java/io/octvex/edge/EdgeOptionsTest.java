package io.octvex.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EdgeOptionsTest {
    @Test
    void explicitServerArgumentIsKept() {
        var options = EdgeOptions.parse(List.of("--server", "https://octvex.example:8443/", "--wait"), Map.of());

        assertThat(options.server()).isEqualTo(URI.create("https://octvex.example:8443"));
        assertThat(options.waitUntilInterrupted()).isTrue();
        assertThat(options.enrollToken()).isNull();
    }

    @Test
    void enrolmentArgumentsInBothSpellings() {
        var options = EdgeOptions.parse(List.of("--enroll=ovx_enr_x", "--name", "build-01", "--label", "region=eu",
                "--label=tier=gpu", "--capacity", "8", "--home", "/tmp/h", "--drain-timeout=5"), Map.of());

        assertThat(options.enrollToken()).isEqualTo("ovx_enr_x");
        assertThat(options.name()).isEqualTo("build-01");
        assertThat(options.labels()).containsEntry("region", "eu").containsEntry("tier", "gpu");
        assertThat(options.capacity()).isEqualTo(8);
        assertThat(options.home()).isEqualTo(Path.of("/tmp/h"));
        assertThat(options.drainTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.toString()).doesNotContain("ovx_enr_x");
    }

    @Test
    void enrolmentTokenMayComeFromTheEnvironment() {
        var options = EdgeOptions.parse(List.of(), Map.of("OCTVEX_ENROLL_TOKEN", " ovx_enr_env "));
        assertThat(options.enrollToken()).isEqualTo("ovx_enr_env");
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> EdgeOptions.parse(List.of("--server"), Map.of())).hasMessageContaining("needs a URL");
        assertThatThrownBy(() -> EdgeOptions.parse(List.of("--server=ftp://host"), Map.of()))
                .hasMessageContaining("http://");
        assertThatThrownBy(() -> EdgeOptions.parse(List.of("--bogus"), Map.of()))
                .hasMessageContaining("unknown argument: --bogus");
        assertThatThrownBy(() -> EdgeOptions.parse(List.of("--enroll", "t", "--label", "Bad Key=x"), Map.of()))
                .hasMessageContaining("label key");
        assertThatThrownBy(() -> EdgeOptions.parse(List.of("--enroll", "t", "--capacity", "0"), Map.of()))
                .hasMessageContaining("from 1 to 256");
        assertThatThrownBy(() -> EdgeOptions.parse(List.of("--label", "a=b"), Map.of()))
                .hasMessageContaining("only apply with --enroll");
        assertThat(EdgeOptions.parse(List.of(), Map.of()).waitUntilInterrupted()).isFalse();
    }
}
