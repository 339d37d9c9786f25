package io.octvex.edge.browser;

import io.octvex.edge.handler.StepFailure;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Persistent sandbox state (a Playwright storage state: cookies and local storage) kept on this edge,
 * encrypted with AES-256-GCM under a per-edge key. The file lives at
 * {@code <edgeHome>/sandboxes/<workspaceId>/<name>.state}; the additional authenticated data binds it to that
 * workspace and name, so a file copied to another workspace or renamed fails to decrypt.
 *
 * <p>File layout: {@code "OXSB"}, version byte {@code 1}, 12-byte nonce, ciphertext with 16-byte tag.
 * The key file ({@code <edgeHome>/sandbox.key}, 32 random bytes, owner-only) is created on first use.
 * The vault issue replaces the per-edge key.
 */
final class SandboxStore {
    private static final byte[] MAGIC = {'O', 'X', 'S', 'B'};
    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int KEY_BYTES = 32;
    private static final int HEADER = MAGIC.length + 1 + NONCE_BYTES;
    private static final long MAX_STATE_BYTES = 16L * 1024 * 1024;

    private final Path edgeHome;
    private final SecureRandom random = new SecureRandom();
    private byte[] key;

    SandboxStore(Path edgeHome) {
        this.edgeHome = edgeHome;
    }

    Path stateFile(UUID workspaceId, String name) {
        if (!BrowserStep.SANDBOX_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad sandbox name");
        }
        return edgeHome.resolve("sandboxes").resolve(workspaceId.toString()).resolve(name + ".state");
    }

    Path keyFile() {
        return edgeHome.resolve("sandbox.key");
    }

    /** The saved state, or empty when this sandbox has none yet. */
    Optional<byte[]> load(UUID workspaceId, String name) throws StepFailure {
        Path file = stateFile(workspaceId, name);
        byte[] sealed;
        try {
            if (Files.size(file) > MAX_STATE_BYTES + HEADER + 16) {
                throw new StepFailure(unreadable(name, "it is larger than " + MAX_STATE_BYTES + " bytes"));
            }
            sealed = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StepFailure("sandbox '" + name + "': cannot read its state on this edge ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (sealed.length < HEADER + TAG_BITS / 8
                || !Arrays.equals(Arrays.copyOf(sealed, MAGIC.length), MAGIC)
                || sealed[MAGIC.length] != VERSION) {
            throw new StepFailure(unreadable(name, "it is not a sandbox state file of this version"));
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key(), "AES"),
                    new GCMParameterSpec(TAG_BITS, sealed, MAGIC.length + 1, NONCE_BYTES));
            cipher.updateAAD(aad(workspaceId, name));
            return Optional.of(cipher.doFinal(sealed, HEADER, sealed.length - HEADER));
        } catch (AEADBadTagException e) {
            throw new StepFailure(unreadable(name, "it was altered, encrypted by another edge, or copied from "
                    + "another workspace or sandbox"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** Encrypts and atomically replaces the sandbox's state. */
    void save(UUID workspaceId, String name, byte[] state) throws IOException {
        if (state.length > MAX_STATE_BYTES) {
            throw new IOException("sandbox state is larger than " + MAX_STATE_BYTES + " bytes");
        }
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] sealed;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key(), "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(workspaceId, name));
            byte[] ciphertext = cipher.doFinal(state);
            sealed = ByteBuffer.allocate(HEADER + ciphertext.length)
                    .put(MAGIC).put(VERSION).put(nonce).put(ciphertext).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
        Path file = stateFile(workspaceId, name);
        createPrivateDirectories(file.getParent());
        Path temp = Files.createTempFile(file.getParent(), "." + name + "-", ".tmp", ownerOnlyFile(file));
        try {
            Files.write(temp, sealed);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static byte[] aad(UUID workspaceId, String name) {
        return ("octvex-sandbox-state/v1\n" + workspaceId + "\n" + name).getBytes(StandardCharsets.UTF_8);
    }

    private static String unreadable(String name, String why) {
        return "sandbox '" + name + "': its saved state cannot be used (" + why + "); delete the file "
                + "edge/sandboxes/<workspace>/" + name + ".state under OCTVEX_HOME on this edge to start over";
    }

    private synchronized byte[] key() {
        if (key != null) {
            return key;
        }
        Path file = keyFile();
        try {
            if (!Files.exists(file)) {
                createKey(file);
            }
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length != KEY_BYTES) {
                throw new IllegalStateException("sandbox key " + file + " is not " + KEY_BYTES + " bytes long");
            }
            key = bytes;
            return key;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or create the sandbox key " + file, e);
        }
    }

    /** Writes the key to a private temporary file, then links it into place so no reader sees half a key. */
    private void createKey(Path file) throws IOException {
        createPrivateDirectories(file.getParent());
        byte[] bytes = new byte[KEY_BYTES];
        random.nextBytes(bytes);
        Path temp = Files.createTempFile(file.getParent(), ".sandbox-key-", ".tmp", ownerOnlyFile(file));
        try {
            Files.write(temp, bytes);
            try {
                Files.createLink(file, temp);
            } catch (FileAlreadyExistsException raced) {
                // another process created it first: use theirs
            } catch (UnsupportedOperationException noLinks) {
                Files.move(temp, file);
            }
        } finally {
            Files.deleteIfExists(temp);
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static void createPrivateDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (posix(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                    Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                            PosixFilePermission.OWNER_EXECUTE)));
        } else {
            Files.createDirectories(dir);
        }
    }

    private static FileAttribute<?>[] ownerOnlyFile(Path near) {
        if (!posix(near.getParent())) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE))};
    }

    private static boolean posix(Path dir) {
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing != null && existing.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
