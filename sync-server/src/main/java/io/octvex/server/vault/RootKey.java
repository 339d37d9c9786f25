package io.octvex.server.vault;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The vault's root key, held only as the two keys derived from it (HKDF-Expand with SHA-256, the root key as
 * the pseudo-random key): a wrapping key for data keys, and a check value the database stores so that a
 * starting server can prove it holds the same root key without the key itself ever being written down.
 * The raw key bytes handed in are wiped at once.
 */
final class RootKey implements AutoCloseable {
    private static final String WRAP_LABEL = "octvex vault v1: data key wrapping";
    private static final String CHECK_LABEL = "octvex vault v1: root key check";
    private static final String DATA_KEY_AAD = "octvex/data-key/v1";

    private final byte[] wrapKey;
    private final byte[] check;
    private final String source;
    private final KdfParams kdf;

    private RootKey(byte[] wrapKey, byte[] check, String source, KdfParams kdf) {
        this.wrapKey = wrapKey;
        this.check = check;
        this.source = source;
        this.kdf = kdf;
    }

    /** Takes the 32 raw bytes (and wipes them); {@code kdf} is set when they were derived from a passphrase. */
    static RootKey of(byte[] material, String source, KdfParams kdf) {
        try {
            if (material.length != Aead.KEY_BYTES) {
                throw new IllegalArgumentException("a root key is " + Aead.KEY_BYTES + " bytes, not " + material.length);
            }
            return new RootKey(expand(material, WRAP_LABEL), expand(material, CHECK_LABEL), source, kdf);
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    /** Where it came from: file, env, keychain or passphrase. */
    String source() {
        return source;
    }

    KdfParams kdf() {
        return kdf;
    }

    byte[] checkValue() {
        return check.clone();
    }

    boolean matches(byte[] storedCheck) {
        return MessageDigest.isEqual(check, storedCheck);
    }

    /** Eight hex digits that tell keys apart in messages; they reveal nothing about the key. */
    String fingerprint() {
        return fingerprint(check);
    }

    static String fingerprint(byte[] checkValue) {
        return HexFormat.of().formatHex(checkValue, 0, 4);
    }

    byte[] wrap(UUID workspaceId, int term, int rootTerm, byte[] dataKey) {
        return Aead.seal(wrapKey, dataKey, aad(workspaceId, term, rootTerm));
    }

    byte[] unwrap(UUID workspaceId, int term, int rootTerm, byte[] wrapped) {
        try {
            return Aead.open(wrapKey, wrapped, aad(workspaceId, term, rootTerm));
        } catch (SealBrokenException e) {
            throw new SealBrokenException("the data key of term " + term + " does not open with the root key: "
                    + e.getMessage());
        }
    }

    private static byte[] aad(UUID workspaceId, int term, int rootTerm) {
        return Aead.aad(DATA_KEY_AAD, workspaceId, null, ((long) term << 32) | (rootTerm & 0xffffffffL));
    }

    @Override
    public void close() {
        Arrays.fill(wrapKey, (byte) 0);
    }

    @Override
    public String toString() {
        return "RootKey[" + source + ", " + fingerprint() + "]";
    }

    /** RFC 5869 HKDF-Expand for one block: HMAC-SHA256(prk, info || 0x01). */
    private static byte[] expand(byte[] prk, String info) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(prk, "HmacSHA256"));
            mac.update(info.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) 1);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
        }
    }
}
