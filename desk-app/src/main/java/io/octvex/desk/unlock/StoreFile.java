package io.octvex.desk.unlock;

import io.octvex.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The store's one file (ADR 0024): the Desk key wrapped once per enrolled method, and the entries sealed under
 * it. Read strictly: anything unexpected is "damaged", and a damaged file is never written over.
 */
record StoreFile(int version, UUID storeId, List<Wrap> wraps, Map<String, Box> entries) {
    static final int VERSION = 1;

    /** A nonce and an AES-GCM ciphertext (with its tag). */
    record Box(byte[] nonce, byte[] data) {
        static Box of(Crypto.Sealed sealed) {
            return new Box(sealed.nonce(), sealed.data());
        }

        Crypto.Sealed sealed() {
            return new Crypto.Sealed(nonce, data);
        }
    }

    /** Argon2id's costs and salt, kept with the passphrase's wrap so a later change of defaults still opens it. */
    record Kdf(String algorithm, int memoryKib, int iterations, int parallelism, byte[] salt) {}

    /**
     * The Desk key under one method's key-encryption key. {@code kdf}: passphrase only; {@code credentialId} and
     * {@code prf}: WebAuthn only (without PRF the KEK is in the keychain and an assertion is needed too).
     */
    record Wrap(String method, Kdf kdf, String credentialId, Boolean prf, Box key) {}

    /** Where the file could not be used as it is: said in a sentence, with the file's name. */
    static final class Damaged extends Exception {
        Damaged(String message) {
            super(message);
        }
    }

    static Optional<StoreFile> read(Path file) throws Damaged {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new Damaged("The Desk's secret store " + file + " cannot be read (" + e.getClass().getSimpleName()
                    + ").");
        }
        StoreFile stored;
        try {
            stored = Json.read(text, StoreFile.class);
        } catch (RuntimeException e) {
            throw damaged(file, "it is not the JSON the Desk writes");
        }
        if (stored.version() != VERSION) {
            throw damaged(file, "its version is " + stored.version() + ", this Desk reads version " + VERSION);
        }
        if (stored.storeId() == null || stored.wraps() == null || stored.wraps().isEmpty() || stored.entries() == null) {
            throw damaged(file, "a part of it is missing");
        }
        for (Wrap w : stored.wraps()) {
            Method m = Method.fromWire(w.method());
            if (m == null || w.key() == null || w.key().nonce() == null || w.key().data() == null
                    || (m == Method.PASSPHRASE && !sane(w.kdf()))
                    || (m == Method.WEBAUTHN && (w.credentialId() == null || w.prf() == null))) {
                throw damaged(file, "its '" + w.method() + "' entry is incomplete or unknown");
            }
        }
        for (Map.Entry<String, Box> e : stored.entries().entrySet()) {
            if (e.getValue() == null || e.getValue().nonce() == null || e.getValue().data() == null) {
                throw damaged(file, "its entry '" + e.getKey() + "' is incomplete");
            }
        }
        return Optional.of(stored);
    }

    private static boolean sane(Kdf kdf) {
        return kdf != null && "argon2id".equals(kdf.algorithm()) && kdf.salt() != null && kdf.salt().length >= 16
                && kdf.parallelism() >= 1 && kdf.parallelism() <= 16 && kdf.iterations() >= 1 && kdf.iterations() <= 100
                && kdf.memoryKib() >= 8 * kdf.parallelism() && kdf.memoryKib() <= 4 * 1024 * 1024;
    }

    private static Damaged damaged(Path file, String why) {
        return new Damaged("The Desk's secret store " + file + " is damaged: " + why + ". It was left as it is; "
                + "move it away to start over (you then sign in again).");
    }

    /** Atomically (a temporary file moved into place), owner-only where the file system has POSIX permissions. */
    void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            if (posix) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
        }
        Path tmp = posix ? Files.createTempFile(dir, ".secrets-", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, ".secrets-", ".tmp");
        try {
            Files.writeString(tmp, Json.write(this), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
