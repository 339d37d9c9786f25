package io.octvex.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerLocatorTest {
    @TempDir
    Path dir;

    @Test
    void homeDefaultsToDotOctvexUnderUserHome() {
        var locator = new ServerLocator(Map.of(), dir);

        assertThat(locator.serverFile()).isEqualTo(dir.resolve(".octvex/run/server.json"));
        assertThat(locator.defaultServerUrl()).isEqualTo(URI.create("http://127.0.0.1:7700"));
    }

    @Test
    void portFromEnvironmentWhenNoServerFile() {
        var locator = new ServerLocator(Map.of("OCTVEX_HOME", dir.toString(), "OCTVEX_PORT", "7811"), dir);

        assertThat(locator.defaultServerUrl()).isEqualTo(URI.create("http://127.0.0.1:7811"));
    }

    @Test
    void advertisedUrlWinsOverTheDefault() throws Exception {
        var locator = new ServerLocator(Map.of("OCTVEX_HOME", dir.toString()), Path.of("/nonexistent"));
        writeServerFile("{\"url\":\"http://127.0.0.1:43210/\",\"pid\":" + ProcessHandle.current().pid() + "}");

        var advertised = locator.advertised().orElseThrow();

        assertThat(advertised.url()).isEqualTo(URI.create("http://127.0.0.1:43210"));
        assertThat(advertised.running()).isTrue();
        assertThat(locator.defaultServerUrl()).isEqualTo(URI.create("http://127.0.0.1:43210"));
    }

    @Test
    void serverFileWithoutUrlIsReportedWithItsPath() throws Exception {
        var locator = new ServerLocator(Map.of("OCTVEX_HOME", dir.toString()), dir);
        writeServerFile("{\"pid\":12}");

        assertThatThrownBy(locator::defaultServerUrl)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(locator.serverFile().toString())
                .hasMessageContaining("url");
    }

    private void writeServerFile(String json) throws Exception {
        Files.createDirectories(dir.resolve("run"));
        Files.writeString(dir.resolve("run/server.json"), json);
    }
}
