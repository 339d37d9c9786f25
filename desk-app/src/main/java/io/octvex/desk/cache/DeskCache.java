package io.octvex.desk.cache;

import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.Json;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What the Desk remembers between starts, one small JSON file per server + workspace under the user's data
 * directory: the event-stream cursor and the last known approvals, so the inbox opens at once (marked stale)
 * and resumes the stream where it left off. No tokens and no secret values: approvals carry the server's
 * evidence, in which secret-looking values are already masked.
 */
public final class DeskCache {
    private static final System.Logger LOG = System.getLogger(DeskCache.class.getName());
    private static final int VERSION = 1;

    /** The state saved after a load: {@code cursor} is the last event the lists are known to include. */
    public record Snapshot(long cursor, Instant savedAt, List<ApprovalView> pending, List<ApprovalView> decided) {}

    /** One server + workspace's entry; blocking file I/O, called off the FX thread. */
    public interface Slot {
        Optional<Snapshot> load();

        void save(Snapshot snapshot);

        /** Remembers nothing (tests, and a Desk without a data directory). */
        static Slot none() {
            return new Slot() {
                @Override
                public Optional<Snapshot> load() {
                    return Optional.empty();
                }

                @Override
                public void save(Snapshot snapshot) {}
            };
        }
    }

    /** The file's shape; {@code server} and {@code workspaceId} guard against a hash collision or a copied file. */
    record Stored(int version, String server, UUID workspaceId, long cursor, Instant savedAt,
                  List<ApprovalView> pending, List<ApprovalView> decided) {}

    private final Path dir;

    public DeskCache(Path dir) {
        this.dir = dir;
    }

    /**
     * {@code OCTVEX_DESK_DATA} if set; else the platform's user data directory: {@code $XDG_DATA_HOME/octvex/desk}
     * (default {@code ~/.local/share}) on Linux and other Unixes, {@code ~/Library/Application Support/Octvex/desk}
     * on macOS, {@code %LOCALAPPDATA%\Octvex\desk} on Windows.
     */
    public static Path defaultDir(Map<String, String> env, String osName, Path userHome) {
        String override = env.get("OCTVEX_DESK_DATA");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            String local = env.get("LOCALAPPDATA");
            return (local == null || local.isBlank() ? userHome.resolve("AppData/Local") : Path.of(local))
                    .resolve("Octvex").resolve("desk");
        }
        if (os.startsWith("mac")) {
            return userHome.resolve("Library/Application Support/Octvex/desk");
        }
        String xdg = env.get("XDG_DATA_HOME");
        return (xdg == null || xdg.isBlank() ? userHome.resolve(".local/share") : Path.of(xdg))
                .resolve("octvex").resolve("desk");
    }

    public Path dir() {
        return dir;
    }

    public Slot slot(URI server, UUID workspaceId) {
        String key = server.toString().replaceAll("/+$", "");
        Path file = dir.resolve("sync-" + digest(key + "|" + workspaceId) + ".json");
        return new Slot() {
            @Override
            public Optional<Snapshot> load() {
                if (!Files.exists(file)) {
                    return Optional.empty();
                }
                try {
                    Stored s = Json.read(Files.readString(file), Stored.class);
                    if (s.version() != VERSION || !key.equals(s.server()) || !workspaceId.equals(s.workspaceId())) {
                        return Optional.empty();
                    }
                    return Optional.of(new Snapshot(s.cursor(), s.savedAt(), List.copyOf(s.pending()),
                            List.copyOf(s.decided())));
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.WARNING, "Ignoring the Desk's unreadable cache " + file + ": " + e.getMessage());
                    return Optional.empty();
                }
            }

            @Override
            public void save(Snapshot s) {
                try {
                    createPrivateDir(dir);
                    Path tmp = Files.createTempFile(dir, "sync-", ".tmp");
                    Files.writeString(tmp, Json.write(new Stored(VERSION, key, workspaceId, s.cursor(), s.savedAt(),
                            s.pending(), s.decided())), StandardCharsets.UTF_8);
                    try {
                        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                    }
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "Could not save the Desk's cache " + file + ": " + e.getMessage());
                }
            }
        };
    }

    /** Owner-only where the file system knows POSIX permissions: approvals are nobody else's business. */
    private static void createPrivateDir(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // Windows: %LOCALAPPDATA% is already per user
        }
    }

    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
