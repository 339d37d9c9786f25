package io.octvex.desk.mcpclients;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;

/**
 * Writes a client's configuration file the careful way: through a symbolic link to its target (the link
 * stays a link), after a timestamped copy of the old content next to it, through a temporary file in the same
 * folder moved over the old one atomically, with the old file's permissions.
 */
final class SafeFile {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    /** A new file holds nothing secret, but it is the user's own configuration: rw for them only. */
    private static final Set<PosixFilePermission> NEW_FILE = PosixFilePermissions.fromString("rw-------");

    private final Clock clock;

    SafeFile(Clock clock) {
        this.clock = clock;
    }

    /** The file's text, or "" when it does not exist. */
    static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    /** @return the backup made, or null when the file is new */
    Path write(Path file, String text) throws IOException {
        Path target = Files.exists(file) ? file.toRealPath() : resolveDanglingLink(file);
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path backup = null;
        Set<PosixFilePermission> permissions = NEW_FILE;
        boolean posix = Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null;
        if (Files.exists(target)) {
            backup = target.resolveSibling(target.getFileName() + ".octvex-backup-" + STAMP.format(clock.instant()));
            Files.copy(target, backup, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            if (posix) {
                permissions = Files.getPosixFilePermissions(target);
            }
        }
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".octvex-tmp");
        try {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            if (posix) {
                Files.setPosixFilePermissions(temp, permissions);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        return backup;
    }

    /** A link whose target does not exist yet is written through too (the target is created). */
    private static Path resolveDanglingLink(Path file) throws IOException {
        Path p = file;
        for (int i = 0; i < 20 && Files.isSymbolicLink(p); i++) {
            Path next = Files.readSymbolicLink(p);
            p = next.isAbsolute() ? next : p.toAbsolutePath().getParent().resolve(next);
        }
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS) && Files.isSymbolicLink(p) ? file : p;
    }
}
