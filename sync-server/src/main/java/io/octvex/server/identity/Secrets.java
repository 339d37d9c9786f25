package io.octvex.server.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Every bearer secret Octvex issues (API and session tokens, enrolment and edge tokens): a prefix naming
 * its kind and 32 random bytes in base64url. Only a SHA-256 is stored; 256 bits of entropy make a fast hash
 * enough (ADR 0003).
 */
public final class Secrets {
    /** 32 bytes in base64url without padding. */
    static final int BODY = 43;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {}

    public static String generate(String prefix) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** True when the text could be a secret of this kind that we issued: checked before any database work. */
    public static boolean wellFormed(String secret, String prefix) {
        if (secret == null || secret.length() != prefix.length() + BODY || !secret.startsWith(prefix)) {
            return false;
        }
        for (int i = prefix.length(); i < secret.length(); i++) {
            char c = secret.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    public static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
