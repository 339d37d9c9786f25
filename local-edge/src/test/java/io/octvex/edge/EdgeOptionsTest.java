package io.octvex.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class EdgeOptionsTest {
    @Test
    void explicitServerArgumentIsUsedWithoutReadingTheServerFile() {
        var options = EdgeOptions.parse(List.of("--server", "https://octvex.example:8443/", "--wait"), () -> {
            throw new AssertionError("default must not be resolved");
        });

        assertThat(options.server()).isEqualTo(URI.create("https://octvex.example:8443"));
        assertThat(options.waitUntilInterrupted()).isTrue();
    }

    @Test
    void badArgumentsAreRefused() {
        URI fallback = URI.create("http://127.0.0.1:7700");

        assertThatThrownBy(() -> EdgeOptions.parse(List.of("--server"), () -> fallback))
                .hasMessageContaining("needs a URL");
        assertThatThrownBy(() -> EdgeOptions.parse(List.of("--server=ftp://host"), () -> fallback))
                .hasMessageContaining("http://");
        assertThatThrownBy(() -> EdgeOptions.parse(List.of("--bogus"), () -> fallback))
                .hasMessageContaining("unknown argument: --bogus");
        assertThat(EdgeOptions.parse(List.of(), () -> fallback).waitUntilInterrupted()).isFalse();
    }
}
