package io.octvex.server.vault;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.UUID;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM through the JDK's provider (faster here than BouncyCastle's), in one sealed form:
 * {@code format (1 byte) || nonce (12 bytes, fresh and random every time) || ciphertext || tag (16 bytes)}.
 * The format byte lets a later algorithm be told apart; an unknown one is refused, never guessed at.
 */
final class Aead {
    static final int KEY_BYTES = 32;
    static final byte FORMAT = 1;
    static final int NONCE_BYTES = 12;
    static final int TAG_BITS = 128;
    static final int OVERHEAD = 1 + NONCE_BYTES + TAG_BITS / 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Aead() {}

    static byte[] seal(byte[] key, byte[] plaintext, byte[] aad) {
        byte[] out = new byte[OVERHEAD + plaintext.length];
        out[0] = FORMAT;
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            cipher.doFinal(plaintext, 0, plaintext.length, out, 1 + NONCE_BYTES);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is part of every JDK", e);
        }
    }

    /** The plaintext, or {@link SealBrokenException} when the key, the AAD or any byte does not match. */
    static byte[] open(byte[] key, byte[] sealed, byte[] aad) {
        if (sealed == null || sealed.length < OVERHEAD) {
            throw new SealBrokenException("the sealed value is truncated");
        }
        if (sealed[0] != FORMAT) {
            throw new SealBrokenException("the sealed value has format " + (sealed[0] & 0xff)
                    + ", which this server does not know (it writes format " + FORMAT + ")");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
                    new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
            cipher.updateAAD(aad);
            return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new SealBrokenException("the sealed value does not authenticate: it was altered, moved to "
                    + "another row, version or workspace, or sealed under another key");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is part of every JDK", e);
        }
    }

    /** Associated data: a label naming the purpose, then the ids and numbers the sealed bytes belong to. */
    static byte[] aad(String label, UUID first, UUID second, long number) {
        byte[] tag = label.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buffer = ByteBuffer.allocate(tag.length + 1 + 16 + 16 + 8);
        buffer.put(tag).put((byte) 0);
        put(buffer, first);
        put(buffer, second);
        return buffer.putLong(number).array();
    }

    private static void put(ByteBuffer buffer, UUID id) {
        buffer.putLong(id == null ? 0 : id.getMostSignificantBits()).putLong(id == null ? 0 : id.getLeastSignificantBits());
    }

    static byte[] randomKey() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return key;
    }
}
