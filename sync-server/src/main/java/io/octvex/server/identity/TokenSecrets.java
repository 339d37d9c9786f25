package io.octvex.server.identity;

/** API and session token secrets: {@code ovx_} and 32 random bytes (see {@link Secrets}). */
final class TokenSecrets {
    static final String PREFIX = "ovx_";
    /** {@code ovx_} + 43 base64url characters. */
    static final int LENGTH = PREFIX.length() + Secrets.BODY;

    private TokenSecrets() {}

    static String generate() {
        return Secrets.generate(PREFIX);
    }

    static boolean wellFormed(String secret) {
        return Secrets.wellFormed(secret, PREFIX);
    }

    static byte[] hash(String secret) {
        return Secrets.hash(secret);
    }
}
