package io.octvex.desk.webauthn;

import java.time.Instant;

/**
 * What the Desk keeps about its registered credential: nothing that unlocks by itself. The PRF salt is still
 * kept from other users (owner-only file): every page on any localhost port shares the RP ID, so a page that
 * knew the salt and got the user's gesture would get the PRF output. The sign counter only ever grows.
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
