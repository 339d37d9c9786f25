package io.octvex.desk.mcpclients;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Editing real files on disk: backups, permissions, links, no write without a change, broken files untouched. */
class ClientConfigsTest {
    private static final String OTHERS = """
            {
              // keep me
              "mcpServers": {
                "github": {"url": "https://api.githubcopilot.com/mcp/"}
              }
            }
            """;

    @TempDir
    Path home;
    private Map<String, ClientDescriptor> clients;
    private final ClientConfigs configs = new ClientConfigs(
            new SafeFile(Clock.fixed(Instant.parse("2026-11-24T03:00:00Z"), ZoneOffset.UTC)));

    @BeforeEach
    void clients() {
        clients = Clients.all(new Places(Places.Os.LINUX, home, home.resolve("appdata"), home.resolve(".config")))
                .stream().collect(Collectors.toMap(ClientDescriptor::id, c -> c));
    }

    @Test
    void configureBacksUpKeepsPermissionsAndDoesNotWriteTwice() throws Exception {
        ClientDescriptor cursor = clients.get("cursor");
        Files.createDirectories(cursor.file().getParent());
        Files.writeString(cursor.file(), OTHERS);
        Files.setPosixFilePermissions(cursor.file(), PosixFilePermissions.fromString("rw-r-----"));
        assertThat(configs.status(cursor, ClientFormatsGoldenTest.TARGET, false).state())
                .isEqualTo(ClientStatus.State.NOT_CONFIGURED);

        ClientConfigs.Outcome outcome = configs.configure(cursor, ClientFormatsGoldenTest.TARGET, false);

        assertThat(outcome.written()).isTrue();
        assertThat(outcome.backup()).hasFileName("mcp.json.octvex-backup-20261124T030000Z");
        assertThat(Files.readString(outcome.backup())).isEqualTo(OTHERS);
        assertThat(Files.getPosixFilePermissions(cursor.file()))
                .isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
        assertThat(Files.readString(cursor.file())).contains("// keep me", "\"github\"", "\"octvex\"");
        assertThat(configs.status(cursor, ClientFormatsGoldenTest.TARGET, false).state())
                .isEqualTo(ClientStatus.State.CONFIGURED);
        assertThat(leftovers(cursor.file().getParent())).isEmpty();

        FileTime written = Files.getLastModifiedTime(cursor.file());
        Files.setLastModifiedTime(cursor.file(), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        Files.delete(outcome.backup());
        ClientConfigs.Outcome again = configs.configure(cursor, ClientFormatsGoldenTest.TARGET, false);
        assertThat(again.written()).isFalse();
        assertThat(again.message()).isEqualTo("Cursor was already configured; nothing written");
        assertThat(Files.getLastModifiedTime(cursor.file())).isEqualTo(FileTime.from(Instant.parse("2020-01-01T00:00:00Z")))
                .isNotEqualTo(written);
        assertThat(Files.list(cursor.file().getParent()).map(p -> p.getFileName().toString()))
                .containsExactly("mcp.json");
    }

    @Test
    void aSymbolicLinkStaysALinkAndItsTargetIsEdited() throws Exception {
        ClientDescriptor claude = clients.get("claude-code");
        Path dotfiles = Files.createDirectories(home.resolve("dotfiles"));
        Path real = dotfiles.resolve("claude.json");
        Files.writeString(real, "{\"numStartups\": 2}\n");
        Files.createSymbolicLink(claude.file(), Path.of("dotfiles/claude.json"));

        ClientConfigs.Outcome outcome = configs.configure(claude, ClientFormatsGoldenTest.TARGET, false);

        assertThat(Files.isSymbolicLink(claude.file())).isTrue();
        assertThat(Files.readSymbolicLink(claude.file())).isEqualTo(Path.of("dotfiles/claude.json"));
        assertThat(Files.readString(real)).contains("\"octvex\"", "\"numStartups\": 2");
        assertThat(outcome.backup()).isEqualTo(dotfiles.resolve("claude.json.octvex-backup-20261124T030000Z"));
    }

    @Test
    void aBrokenFileIsNeverWrittenAndTheErrorSaysWhere() throws Exception {
        ClientDescriptor zed = clients.get("zed");
        Files.createDirectories(zed.file().getParent());
        String broken = "{\n  \"theme\": \"One Dark\"\n  \"vim_mode\": true\n}\n";
        Files.writeString(zed.file(), broken);
        FileTime before = FileTime.from(Instant.parse("2021-01-01T00:00:00Z"));
        Files.setLastModifiedTime(zed.file(), before);

        ClientStatus status = configs.status(zed, ClientFormatsGoldenTest.TARGET, false);
        ClientConfigs.Outcome configure = configs.configure(zed, ClientFormatsGoldenTest.TARGET, false);
        ClientConfigs.Outcome remove = configs.remove(zed);

        assertThat(status.state()).isEqualTo(ClientStatus.State.UNREADABLE);
        assertThat(status.detail()).contains("line 3, column 3: expected ',' or '}'", "left as it is");
        assertThat(configure.written()).isFalse();
        assertThat(configure.message()).contains("line 3, column 3");
        assertThat(remove.written()).isFalse();
        assertThat(Files.readString(zed.file())).isEqualTo(broken);
        assertThat(Files.getLastModifiedTime(zed.file())).isEqualTo(before);
        assertThat(Files.list(zed.file().getParent()).count()).isEqualTo(1);
    }

    @Test
    void removeTakesOnlyOurEntryAndANewFileIsCreatedPrivate() throws Exception {
        ClientDescriptor goose = clients.get("goose");
        assertThat(configs.status(goose, ClientFormatsGoldenTest.TARGET, false).state())
                .isEqualTo(ClientStatus.State.NOT_FOUND);
        Files.createDirectories(goose.file().getParent());

        ClientConfigs.Outcome created = configs.configure(goose, ClientFormatsGoldenTest.TARGET, false);
        assertThat(created.backup()).isNull();
        assertThat(Files.getPosixFilePermissions(goose.file())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        Files.writeString(goose.file(), Files.readString(goose.file()) + "GOOSE_MODE: auto\n");
        String withOther = Files.readString(goose.file()).replace("extensions:\n",
                "extensions:\n  memory:\n    enabled: true\n    type: builtin\n    name: memory\n");
        Files.writeString(goose.file(), withOther);

        ClientConfigs.Outcome removed = configs.remove(goose);

        assertThat(removed.written()).isTrue();
        assertThat(Files.readString(goose.file())).isEqualTo(
                "extensions:\n  memory:\n    enabled: true\n    type: builtin\n    name: memory\nGOOSE_MODE: auto\n");
        assertThat(configs.remove(goose).message()).isEqualTo("Goose has no Octvex entry; nothing written");
    }

    private static List<Path> leftovers(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".octvex-tmp")).toList();
        }
    }
}
