package io.octvex.edge.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Keeps the edge identity in {@code <home>/edge/identity.json}: the folder is 0700 and the file 0600 on POSIX
 * file systems, and the file is replaced atomically (written to a private temporary file in the same folder,
 * forced to disk, then renamed over the old one), so a crash leaves either the old identity or the new one.
 */
public final class IdentityFile implements IdentityStore {
    private static final System.Logger LOG = System.getLogger(IdentityFile.class.getName());
    static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    private final Path dir;

    /** A store under an Octvex home folder ({@code $OCTVEX_HOME}, by default {@code ~/.octvex}). */
    public IdentityFile(Path octvexHome) {
        this.dir = octvexHome.resolve("edge");
    }

    public Path file() {
        return dir.resolve("identity.json");
    }

    public Path directory() {
        return dir;
    }

    @Override
    public String location() {
        return file().toString();
    }

    /** @throws IllegalStateException when the file exists but cannot be read or is not an identity */
    @Override
    public Optional<EdgeIdentity> load() {
        Path file = file();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the edge identity " + file + ": " + e.getMessage(), e);
        }
        tightenIfLoose(file, FILE_MODE);
        return Optional.of(StoredIdentity.read(text, file.toString()));
    }

    /** Writes the identity atomically with owner-only permissions. */
    @Override
    public void save(EdgeIdentity identity) {
        try {
            createPrivateDirectory(dir);
            Path tmp = createPrivateFile(dir.resolve("identity.json." + UUID.randomUUID() + ".tmp"));
            try {
                byte[] bytes = StoredIdentity.write(identity).getBytes(StandardCharsets.UTF_8);
                try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    channel.write(ByteBuffer.wrap(bytes));
                    channel.force(true);
                }
                try {
                    Files.move(tmp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file(), StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the edge identity " + file() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void delete() {
        try {
            Files.deleteIfExists(file());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file() + ": " + e.getMessage(), e);
        }
    }

    private static boolean posix(Path path) {
        return Files.getFileAttributeView(path, PosixFileAttributeView.class) != null;
    }

    static void createPrivateDirectory(Path dir) throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        boolean posix = posix(parent != null ? parent : dir.toAbsolutePath());
        try {
            if (posix) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw new IOException(dir + " exists and is not a folder");
            }
        }
        tightenIfLoose(dir, DIR_MODE);
    }

    private static Path createPrivateFile(Path file) throws IOException {
        if (posix(file.getParent())) {
            return Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE_MODE));
        }
        return Files.createFile(file);
    }

    /** Narrows a file or folder that others can read or write to owner-only, saying so. */
    private static void tightenIfLoose(Path path, Set<PosixFilePermission> mode) {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        try {
            Set<PosixFilePermission> current = view.readAttributes().permissions();
            if (!current.equals(mode)) {
                LOG.log(Level.WARNING, "{0} had permissions {1}; setting {2} (it holds the edge''s secrets)",
                        path, PosixFilePermissions.toString(current), PosixFilePermissions.toString(mode));
                view.setPermissions(mode);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot check the permissions of {0}: {1}", path, e.getMessage());
        }
    }
}
