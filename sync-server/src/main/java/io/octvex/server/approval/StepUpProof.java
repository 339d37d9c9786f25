package io.octvex.server.approval;

import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A verified WebAuthn assertion that backs one approving vote: kept with the vote so the audit can show, with
 * the approver's public key, who approved exactly which evidence. {@code credentialId} is base64url.
 */
public record StepUpProof(UUID ceremonyId, String credentialId, String evidenceHash, byte[] authenticatorData,
                          byte[] clientDataJson, byte[] signature) {

    /** Verifies a step-up for an approval as it stands under its lock; throws an ApiException to refuse. */
    @FunctionalInterface
    public interface Check {
        StepUpProof verify(ApprovalView approval);
    }

    /** Whether approving needs a step-up: the gate wrote the rule's {@code step_up} into the evidence. */
    public static boolean required(JsonNode evidence) {
        return evidence.path("stepUp").isString();
    }

    /**
     * SHA-256 (hex) of the evidence in canonical JSON: keys sorted at every depth, so the hash does not
     * depend on how PostgreSQL's jsonb orders them.
     */
    public static String evidenceHash(JsonNode evidence) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(Json.canonical(evidence).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
