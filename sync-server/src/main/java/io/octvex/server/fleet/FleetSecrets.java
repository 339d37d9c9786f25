package io.octvex.server.fleet;

import io.octvex.server.identity.Secrets;

/** Enrolment and edge token secrets: {@code ovx_enr_} / {@code ovx_edge_} and 32 random bytes. */
final class FleetSecrets {
    static final String ENROLLMENT = "ovx_enr_";
    static final String EDGE = "ovx_edge_";

    private FleetSecrets() {}

    static String generate(String prefix) {
        return Secrets.generate(prefix);
    }

    static boolean wellFormed(String secret, String prefix) {
        return Secrets.wellFormed(secret, prefix);
    }

    static byte[] hash(String secret) {
        return Secrets.hash(secret);
    }
}
