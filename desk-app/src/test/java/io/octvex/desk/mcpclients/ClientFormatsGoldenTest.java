package io.octvex.desk.mcpclients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files for every client format: {@code <client>/<case>.<ext>} is a file as the client (or its user)
 * left it, {@code <case>.configured.<ext>} what Configure must make of it, byte for byte, and
 * {@code <case>.removed.<ext>} what Remove makes of that when it is not the original again. Files named
 * {@code broken*} must be refused.
 *
 * <p>{@code -Dgolden.update=true} writes the expected files from the current code, to be read and checked
 * by a person before they are committed.
 */
class ClientFormatsGoldenTest {
    static final BridgeTarget TARGET = new BridgeTarget("/opt/octvex/octvex", List.of("mcp-bridge"),
            "http://127.0.0.1:7700", "7c9e6679-7425-40de-944b-e07fc1f90ae7");
    private static final Path ROOT = resources();
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");

    static Map<String, ClientFormat> formats() {
        return Clients.all(new Places(Places.Os.LINUX, Path.of("/home/ada"), Path.of("/none"), Path.of("/home/ada/.config")))
                .stream().collect(Collectors.toMap(ClientDescriptor::id, ClientDescriptor::format));
    }

    static Stream<Path> cases() throws IOException {
        return Files.walk(ROOT).filter(Files::isRegularFile).filter(p -> !p.getParent().equals(ROOT))
                .filter(p -> !p.getFileName().toString().matches(".*\\.(configured|removed|http)\\.[a-z]+$")).sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void configureAndRemoveGiveTheGoldenFiles(Path input) throws IOException {
        ClientFormat format = formats().get(input.getParent().getFileName().toString());
        String original = Files.readString(input);
        if (input.getFileName().toString().startsWith("broken")) {
            assertThatThrownBy(() -> format.current(original)).isInstanceOf(ConfigException.class)
                    .hasMessageMatching("(?s).*(line \\d+|appears twice|duplicate).*");
            assertThatThrownBy(() -> format.put(original, format.entry(TARGET, false)))
                    .isInstanceOf(ConfigException.class);
            assertThatThrownBy(() -> format.remove(original)).isInstanceOf(ConfigException.class);
            return;
        }
        boolean http = input.getFileName().toString().contains("http-mode");
        Map<String, Object> entry = format.entry(TARGET, http);

        String configured = format.put(original, entry);
        assertThat(configured).isEqualTo(golden(input, "configured", configured));
        assertThat(format.current(configured)).isEqualTo(entry);
        assertThat(format.put(configured, entry)).as("idempotent: the same text").isSameAs(configured);

        String removed = format.remove(configured);
        Path removedFile = sibling(input, "removed");
        if (Files.exists(removedFile) || (UPDATE && !removed.equals(original))) {
            assertThat(removed).isEqualTo(golden(input, "removed", removed));
        } else {
            assertThat(removed).as("remove gives back the original, byte for byte").isEqualTo(original);
        }
        assertThat(format.current(removed)).isNull();
        assertThat(format.remove(removed)).as("removing twice changes nothing").isSameAs(removed);
    }

    private static String golden(Path input, String kind, String actual) throws IOException {
        Path file = sibling(input, kind);
        if (UPDATE) {
            Path source = Path.of("src/test/resources/mcpclients").resolve(ROOT.relativize(file));
            Files.writeString(source, actual, StandardCharsets.UTF_8);
            return actual;
        }
        return Files.readString(file);
    }

    private static Path sibling(Path input, String kind) {
        String name = input.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return input.resolveSibling(name.substring(0, dot) + "." + kind + name.substring(dot));
    }

    private static Path resources() {
        try {
            return Path.of(ClientFormatsGoldenTest.class.getResource("/mcpclients").toURI());
        } catch (URISyntaxException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
