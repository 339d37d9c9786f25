package io.octvex.server.vault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A root key in a file (base64, one line), readable by its owner only. Made on the first start when absent;
 * never overwritten. Servers use it, or {@link EnvironmentKeySource}, when no keychain is at hand.
 */
final class KeyFileSource implements RootKeySource {
    private static final Logger log = LoggerFactory.getLogger(KeyFileSource.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path file;

    KeyFileSource(Path file) {
        this.file = file.toAbsolutePath();
    }

    Path file() {
        return file;
    }

    @Override
    public String kind() {
        return "file";
    }

    @Override
    public String describe() {
        return "key file " + file;
    }

    @Override
    public Optional<RootKey> load(KdfParams kdf) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        warnIfOthersCanRead();
        byte[] text = null;
        try {
            text = Files.readAllBytes(file);
            String line = new String(text, StandardCharsets.US_ASCII); // base64 of a key: 44 characters
            return Optional.of(RootKey.of(Base64Keys.decode(line, describe()), kind(), null));
        } catch (IOException e) {
            throw new VaultLockedException("The " + describe() + " cannot be read: " + e.getMessage() + ".",
                    "Give the user running Octvex read access to it (and no one else).");
        } finally {
            if (text != null) {
                Arrays.fill(text, (byte) 0);
            }
        }
    }

    /** Creates the file with 0600 only when it does not exist; a file another process created first wins. */
    @Override
    public RootKey loadOrCreate() {
        Optional<RootKey> existing = load(null);
        if (existing.isPresent()) {
            return existing.get();
        }
        byte[] key = Aead.randomKey();
        byte[] text = (Base64Keys.encode(key) + "\n").getBytes(StandardCharsets.US_ASCII);
        try {
            Files.createDirectories(file.getParent(), ownerOnlyDirectory());
            try (FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), ownerOnlyFile())) {
                channel.write(ByteBuffer.wrap(text));
                channel.force(true);
            }
        } catch (FileAlreadyExistsException e) {
            Arrays.fill(key, (byte) 0);
            return load(null).orElseThrow();
        } catch (IOException e) {
            Arrays.fill(key, (byte) 0);
            throw new UncheckedIOException("cannot create the vault's root key file " + file, e);
        } finally {
            Arrays.fill(text, (byte) 0);
        }
        log.warn("""

                ******************************************************************************************
                  A new vault root key was created in {}
                  BACK IT UP NOW, somewhere other than this machine and other than the database backups
                  (a password manager, a safe). Without it every secret in the vault is lost for good;
                  with it and the database, anyone can read them. See docs/vault.md#backup.
                ******************************************************************************************""",
                file);
        return RootKey.of(key, kind(), null);
    }

    private void warnIfOthersCanRead() {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.stream().anyMatch(p -> !OWNER_ONLY.contains(p))) {
                log.warn("The vault's root key file {} can be read by others ({}): chmod 600 it",
                        file, PosixFilePermissions.toString(permissions));
            }
        } catch (UnsupportedOperationException | IOException e) {
            log.debug("Cannot read the permissions of {}", file, e);
        }
    }

    private FileAttribute<?>[] ownerOnlyFile() {
        return posix() ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)} : new FileAttribute<?>[0];
    }

    private FileAttribute<?>[] ownerOnlyDirectory() {
        return posix() ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------"))} : new FileAttribute<?>[0];
    }

    private static boolean posix() {
        return java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
