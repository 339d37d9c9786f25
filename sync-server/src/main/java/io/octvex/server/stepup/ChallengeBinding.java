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
 */
final class ChallengeBinding {
    static final int NONCE_BYTES = 32;

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
}
