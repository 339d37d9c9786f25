package io.octvex.server.fleet;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Enrolment and edge token secrets: a prefix ({@code ovx_enr_}, {@code ovx_edge_}) and 32 random bytes in
 * base64url. Only their SHA-256 is stored; 256 bits of entropy make a fast hash enough (as ADR 0003).
 */
final class FleetSecrets {
    static final String ENROLLMENT = "ovx_enr_";
    static final String EDGE = "ovx_edge_";
    private static final int BODY = 43;
    private static final SecureRandom RANDOM = new SecureRandom();

    private FleetSecrets() {}

    static String generate(String prefix) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** True when the text could be a secret with this prefix that we issued: checked before any database work. */
    static boolean wellFormed(String secret, String prefix) {
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

    static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
