package io.octvex.server.stepup;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The step-up challenge: SHA-256 over (evidence hash ‖ approval id ‖ decision ‖ nonce). Signing it signs
 * exactly that evidence, that approval and that decision; the nonce makes every challenge new. Every part
 * but the decision has a fixed length, so no two inputs run together into the same bytes.
 * <p>The key-management challenge is SHA-256 over (tag ‖ principal id ‖ key id or zeros ‖ purpose ‖ nonce):
 * the tag keeps it apart from every approval challenge, and the server checks each ceremony's kind besides.
 */
final class ChallengeBinding {
    static final int NONCE_BYTES = 32;
    private static final byte[] KEY_MANAGEMENT_TAG =
            "octvex/webauthn/key-management/v1\0".getBytes(StandardCharsets.US_ASCII);

    private ChallengeBinding() {}

    static byte[] challenge(String evidenceHash, UUID approvalId, String decision, byte[] nonce) {
        byte[] hash = HexFormat.of().parseHex(evidenceHash);
        if (hash.length != 32 || nonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("an evidence hash and a nonce are 32 bytes each");
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(hash);
            sha.update(ByteBuffer.allocate(16).putLong(approvalId.getMostSignificantBits())
                    .putLong(approvalId.getLeastSignificantBits()).array());
            sha.update(decision.getBytes(StandardCharsets.UTF_8));
            sha.update(nonce);
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static byte[] keyManagement(UUID principalId, String purpose, UUID keyId, byte[] nonce) {
        if (nonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("a nonce is 32 bytes");
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(KEY_MANAGEMENT_TAG);
            sha.update(uuid(principalId));
            sha.update(uuid(keyId == null ? new UUID(0, 0) : keyId));
            sha.update(purpose.getBytes(StandardCharsets.UTF_8));
            sha.update(nonce);
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static byte[] uuid(UUID id) {
        return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits())
                .array();
    }
}
