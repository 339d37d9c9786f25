package io.octvex.desk.webauthn;

import java.time.Instant;

/**
 * What the Desk keeps about its registered credential: public data only. The PRF salt is not a secret (the
 * authenticator's PRF output for it is); the sign counter only ever grows.
 */
record StoredCredential(
        byte[] credentialId,
        byte[] cosePublicKey,
        long signCount,
        boolean backupEligible,
        boolean backedUp,
        byte[] prfSalt,
        byte[] userHandle,
        Instant registeredAt,
        Instant lastUsedAt) {

    StoredCredential used(long newSignCount, boolean nowBackedUp, Instant at) {
        return new StoredCredential(credentialId, cosePublicKey, newSignCount, backupEligible, nowBackedUp, prfSalt,
                userHandle, registeredAt, at);
    }
}
