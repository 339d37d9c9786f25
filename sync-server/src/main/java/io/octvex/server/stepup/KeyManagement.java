package io.octvex.server.stepup;

import io.octvex.protocol.KeyChallenge;
import io.octvex.protocol.StepUpAssertion;
import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.web.ApiException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The key-management ceremony (ADR 0026, addendum). Once a principal has a security key, adding another or
 * removing one takes a fresh assertion by one of their keys over a challenge for exactly that change, so that
 * a stolen session alone cannot enrol the thief's authenticator and then pass every step-up. The first key
 * needs none: the session is the bootstrap trust, and an instance admin can reset a principal's keys.
 */
@Component
class KeyManagement {
    static final String REGISTER = "register";
    static final String REMOVE = "remove";

    private final CeremonyStore store;
    private final RelyingParty rp;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    KeyManagement(CeremonyStore store, RelyingParty rp, AuditLog audit, Clock clock) {
        this.store = store;
        this.rp = rp;
        this.audit = audit;
        this.clock = clock;
    }

    /** A new (not yet stored) ceremony for {@code request}, and the keys that may answer it. */
    record Challenge(CeremonyStore.Ceremony ceremony, List<String> allow) {}

    Challenge challenge(UUID principalId, KeyChallenge request) {
        String purpose = request == null ? null : request.purpose();
        if (!REGISTER.equals(purpose) && !REMOVE.equals(purpose)) {
            throw ApiException.badRequest("'purpose' is \"register\" (with the new key's 'label') or \"remove\" "
                    + "(with the 'credentialId' of the key to remove)");
        }
        List<CeremonyStore.Credential> keys = store.credentials(principalId);
        if (keys.isEmpty()) {
            throw ApiException.conflict("you have no security key yet, so nothing needs to vouch for a change: "
                    + "register your first key with POST /api/v1/me/webauthn/registrations alone");
        }
        UUID keyId = null;
        String label = null;
        if (REMOVE.equals(purpose)) {
            keyId = request.credentialId();
            if (keyId == null) {
                throw ApiException.badRequest("a \"remove\" challenge names the key: 'credentialId'");
            }
            UUID wanted = keyId;
            label = keys.stream().filter(k -> k.id().equals(wanted)).findFirst()
                    .orElseThrow(() -> ApiException.notFound("security key " + wanted)).label();
        } else {
            label = StepUps.label(request.label());
        }
        byte[] nonce = new byte[ChallengeBinding.NONCE_BYTES];
        random.nextBytes(nonce);
        Instant now = now();
        CeremonyStore.Ceremony c = new CeremonyStore.Ceremony(UUID.randomUUID(), CeremonyStore.Ceremony.KEY_MANAGEMENT,
                principalId, null, null, purpose, null, null, null, nonce,
                ChallengeBinding.keyManagement(principalId, purpose, keyId, nonce), label, now,
                now.plus(StepUps.LIFETIME), null, keyId, false);
        return new Challenge(c, keys.stream().map(CeremonyStore.Credential::credentialId).toList());
    }

    /**
     * Checks, in the caller's transaction, that {@code proof} allows {@code purpose} (on {@code keyId}) for a
     * principal who has keys; spends its challenge. Answers null when the change may go ahead, else the
     * refusal, already audited: the caller commits (the challenge stays spent) and then throws it.
     * The principal is locked first, so "has keys" holds until the caller commits.
     */
    ApiException check(UUID principalId, String purpose, UUID keyId, StepUpAssertion proof) {
        store.lockPrincipal(principalId);
        if (store.credentials(principalId).isEmpty()) {
            return null; // the first key: the session is the bootstrap trust
        }
        ApiException refusal;
        try {
            refusal = verify(principalId, purpose, keyId, proof);
        } catch (ApiException refused) {
            refusal = refused;
        }
        if (refusal != null) {
            refused(principalId, purpose, refusal);
        }
        return refusal;
    }

    /** Audits a refused key change: what was tried and why, never the assertion. */
    void refused(UUID principalId, String purpose, ApiException refusal) {
        audit.append(AuditLog.INSTANCE, AuditEntry.of("webauthn.key_change_refused", principalId,
                Map.of("purpose", purpose, "reason", refusal.getMessage())));
    }

    private ApiException verify(UUID principalId, String purpose, UUID keyId, StepUpAssertion proof) {
        String what = REGISTER.equals(purpose) ? "adding a security key" : "removing a security key";
        if (proof == null || proof.challengeId() == null || proof.credential() == null) {
            return ApiException.forbidden("you have a security key registered, so " + what + " needs an assertion "
                    + "by one of your keys: ask POST /api/v1/me/webauthn/key-challenges {\"purpose\": \"" + purpose
                    + "\"} for a challenge and send its answer as 'proof' {challengeId, credential}");
        }
        var data = rp.parseAssertion(proof.credential());
        CeremonyStore.Ceremony c = store.lock(proof.challengeId())
                .filter(x -> x.principalId().equals(principalId))
                .orElse(null);
        if (c == null) {
            return ApiException.forbidden("this challenge was not issued to you; ask for a new one");
        }
        if (!c.kind().equals(CeremonyStore.Ceremony.KEY_MANAGEMENT)) {
            return ApiException.forbidden("this challenge was issued for " + (c.kind().equals(CeremonyStore.Ceremony.STEP_UP)
                    ? "an approval" : "a registration") + ", not for managing your security keys; ask "
                    + "POST /api/v1/me/webauthn/key-challenges for one");
        }
        if (!c.decision().equals(purpose) || (keyId != null && !keyId.equals(c.keyId()))) {
            return ApiException.forbidden("this challenge was issued for " + (REGISTER.equals(c.decision())
                    ? "adding a security key" : "removing another security key") + ", not for " + what);
        }
        if (c.usedAt() != null || !store.spend(c.id(), now())) {
            return ApiException.conflict("this challenge was answered already; each counts once: ask for a new one");
        }
        if (!now().isBefore(c.expiresAt())) {
            return ApiException.conflict("this challenge expired at " + c.expiresAt() + "; ask for a new one");
        }
        if (!java.util.Arrays.equals(ChallengeBinding.keyManagement(principalId, c.decision(), c.keyId(), c.nonce()),
                c.challenge())) {
            return ApiException.forbidden("this challenge does not bind the change it was issued for");
        }
        CeremonyStore.Credential key = store.credential(principalId, RelyingParty.b64(data.getCredentialId()))
                .orElse(null);
        if (key == null) {
            return ApiException.forbidden("this security key is not registered to you");
        }
        RelyingParty.Asserted asserted = rp.verifyAssertion(data, c.challenge(), key);
        store.used(principalId, key.id(), asserted.signCount(), now());
        return null;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
