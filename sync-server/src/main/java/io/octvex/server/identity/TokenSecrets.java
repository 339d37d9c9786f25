package io.octvex.server.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Token secrets: {@code ovx_} and 32 random bytes in base64url. Only their SHA-256 is stored; a secret has
 * 256 bits of entropy, so a fast hash is enough (see docs/adr/0003).
 */
final class TokenSecrets {
    static final String PREFIX = "ovx_";
    /** {@code ovx_} + 43 base64url characters. */
    static final int LENGTH = PREFIX.length() + 43;
    private static final SecureRandom RANDOM = new SecureRandom();

    private TokenSecrets() {}

    static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** True when the text could be a secret we issued: checked before any database work. */
    static boolean wellFormed(String secret) {
        if (secret == null || secret.length() != LENGTH || !secret.startsWith(PREFIX)) {
            return false;
        }
        for (int i = PREFIX.length(); i < secret.length(); i++) {
            char c = secret.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
