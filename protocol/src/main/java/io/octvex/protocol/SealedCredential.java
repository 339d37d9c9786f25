package io.octvex.protocol;

import java.util.UUID;

/**
 * A credential lease's material, sealed to the edge that holds the lease ({@link CredentialSeal}): the HPKE
 * encapsulated key and the ciphertext, base64. Only that edge's private key opens it.
 */
public record SealedCredential(UUID leaseId, String enc, String ciphertext) {
    @Override
    public String toString() {
        return "SealedCredential[leaseId=" + leaseId + ", sealed]";
    }
}
