package io.octvex.server.vault;

import java.util.Arrays;
import java.util.Base64;

/** Root keys written as text: base64 of 32 bytes, as {@code openssl rand -base64 32} prints them. */
final class Base64Keys {
    private Base64Keys() {}

    /** The 32 bytes, or a refusal naming {@code where} (never the text itself). */
    static byte[] decode(String text, String where) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw new VaultLockedException(where + " is not base64.", "Write the root key as base64 of 32 random "
                    + "bytes, as 'openssl rand -base64 32' prints it, or restore it from your backup.");
        }
        if (key.length != Aead.KEY_BYTES) {
            int length = key.length;
            Arrays.fill(key, (byte) 0);
            throw new VaultLockedException(where + " holds " + length + " bytes; a root key is " + Aead.KEY_BYTES
                    + ".", "Write the root key as base64 of 32 random bytes ('openssl rand -base64 32').");
        }
        return key;
    }

    static String encode(byte[] key) {
        return Base64.getEncoder().encodeToString(key);
    }
}
