package io.octvex.desk.webauthn;

import io.octvex.protocol.Json;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import tools.jackson.core.JacksonException;

/** The registered credential as a small JSON file readable by its owner only, replaced atomically. */
final class CredentialFile {
    private final Path file;

    CredentialFile(Path file) {
        this.file = file.toAbsolutePath();
    }

    Optional<StoredCredential> read() throws CeremonyException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.read(Files.readString(file), StoredCredential.class));
        } catch (IOException | JacksonException e) {
            throw new CeremonyException("The WebAuthn credential file " + file
                    + " cannot be read; register the authenticator again.", e);
        }
    }

    void write(StoredCredential credential) throws CeremonyException {
        try {
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(temp);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(temp);
            }
            Files.writeString(temp, Json.write(credential));
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new CeremonyException("The WebAuthn credential could not be saved to " + file + ".", e);
        }
    }
}
