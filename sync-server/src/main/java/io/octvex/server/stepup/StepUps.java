package io.octvex.server.stepup;

import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.DecideApproval;
import io.octvex.protocol.Json;
import io.octvex.protocol.KeyChallenge;
import io.octvex.protocol.StartStepUp;
import io.octvex.protocol.StepUpAssertion;
import io.octvex.protocol.WebAuthnCeremony;
import io.octvex.protocol.WebAuthnCredentialView;
import io.octvex.server.approval.Approvals;
import io.octvex.server.approval.StepUpProof;
import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.web.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Security keys and step-up approvals (ADR 0026). A principal registers keys; approving an approval whose
 * rule says {@code step_up: webauthn} takes a challenge bound to its evidence ({@link ChallengeBinding}),
 * answered once, within five minutes, by one of the approver's own keys, and verified here before the vote is
 * recorded by {@link Approvals}. The browser side runs on the server's ceremony page with a one-time ticket.
 */
@Service
public class StepUps {
    static final Duration LIFETIME = Duration.ofMinutes(5);
    static final int MAX_LABEL = 100;
    static final int MAX_KEYS = 20;
    static final String PAGE = "/webauthn/ceremony.html";

    private final CeremonyStore store;
    private final KeyManagement keyManagement;
    private final RelyingParty rp;
    private final RelyingPartySettings settings;
    private final Approvals approvals;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    StepUps(CeremonyStore store, KeyManagement keyManagement, RelyingParty rp, RelyingPartySettings settings,
            Approvals approvals, AuditLog audit, TransactionTemplate tx, Clock clock) {
        this.store = store;
        this.keyManagement = keyManagement;
        this.rp = rp;
        this.settings = settings;
        this.approvals = approvals;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
    }

    // --- keys ---------------------------------------------------------------------------------------------

    /** A trimmed key label; 400 when it is empty, too long or has control characters. */
    static String label(String label) {
        String clean = label == null ? "" : label.strip();
        if (clean.isEmpty() || clean.length() > MAX_LABEL || clean.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest("a key needs a 'label' of 1 to " + MAX_LABEL
                    + " characters without control characters, e.g. \"YubiKey 5C\"");
        }
        return clean;
    }

    /**
     * A registration; when the principal has a key already, only with {@code proof} (a "register"
     * key-management assertion by one of their keys). A refusal is audited and leaves the challenge spent.
     */
    public WebAuthnCeremony startRegistration(UUID principalId, String name, String label, StepUpAssertion proof) {
        String clean = label(label);
        Outcome<WebAuthnCeremony> outcome = tx.execute(s -> {
            ApiException refused = keyManagement.check(principalId, KeyManagement.REGISTER, null, proof);
            if (refused != null) {
                return new Outcome<>(null, refused);
            }
            List<CeremonyStore.Credential> keys = store.credentials(principalId);
            if (keys.size() >= MAX_KEYS) {
                throw ApiException.conflict("you have " + MAX_KEYS + " security keys, the most one may register; "
                        + "remove one first");
            }
            byte[] challenge = bytes(ChallengeBinding.NONCE_BYTES);
            Started started = start(new CeremonyStore.Ceremony(UUID.randomUUID(), CeremonyStore.Ceremony.REGISTRATION,
                    principalId, null, null, null, null, null, null, challenge, challenge, clean, now(),
                    now().plus(LIFETIME), null, null, !keys.isEmpty()));
            return new Outcome<>(started.view(rp.creationOptions(challenge, principalId, name,
                    keys.stream().map(CeremonyStore.Credential::credentialId).toList())), null);
        });
        return outcome.get();
    }

    /** A key-management challenge for one of the principal's keys to answer (see {@link KeyManagement}). */
    @Transactional
    public WebAuthnCeremony startKeyChallenge(UUID principalId, KeyChallenge request) {
        KeyManagement.Challenge c = keyManagement.challenge(principalId, request);
        return start(c.ceremony()).view(rp.requestOptions(c.ceremony().challenge(), c.allow()));
    }

    public WebAuthnCredentialView finishRegistration(UUID principalId, UUID ceremonyId, JsonNode credential) {
        Outcome<WebAuthnCredentialView> outcome = tx.execute(s -> {
            CeremonyStore.Ceremony c = store.lock(ceremonyId)
                    .filter(x -> x.principalId().equals(principalId) && x.kind().equals(CeremonyStore.Ceremony.REGISTRATION))
                    .orElseThrow(() -> ApiException.notFound("registration " + ceremonyId));
            ApiException spent = spend(c);
            if (spent != null) {
                return new Outcome<>(null, spent);
            }
            store.lockPrincipal(principalId);
            if (!c.proven() && !store.credentials(principalId).isEmpty()) {
                ApiException late = ApiException.forbidden("a security key was registered to you after this "
                        + "registration started, so adding another now needs an assertion by one of your keys: "
                        + "start again");
                keyManagement.refused(principalId, KeyManagement.REGISTER, late);
                return new Outcome<>(null, late);
            }
            RelyingParty.Registered key;
            try {
                key = rp.verifyRegistration(credential, c.challenge());
            } catch (ApiException refused) {
                return new Outcome<>(null, refused); // the spent registration stays spent
            }
            if (store.credentialExists(key.credentialId())) {
                return new Outcome<>(null, ApiException.conflict("this security key is registered already"));
            }
            CeremonyStore.Credential saved = new CeremonyStore.Credential(UUID.randomUUID(), principalId,
                    key.credentialId(), key.aaguid(), key.coseKey(), key.signCount(), key.uv(), key.be(), key.bs(),
                    c.label(), now(), null);
            store.insert(saved);
            audit.append(AuditLog.INSTANCE, AuditEntry.of("webauthn.registered", principalId,
                    Map.of("credentialId", saved.credentialId(), "label", saved.label())));
            return new Outcome<>(view(saved), null);
        });
        return outcome.get();
    }

    @Transactional(readOnly = true)
    public List<WebAuthnCredentialView> credentials(UUID principalId) {
        return store.credentials(principalId).stream().map(StepUps::view).toList();
    }

    /**
     * Removes one of the principal's keys, only with {@code proof} (a "remove" key-management assertion for
     * this key by any of their keys). A refusal is audited and leaves the challenge spent.
     */
    public void remove(UUID principalId, UUID id, StepUpAssertion proof) {
        tx.execute(s -> {
            CeremonyStore.Credential key = store.credentials(principalId).stream().filter(c -> c.id().equals(id))
                    .findFirst().orElseThrow(() -> ApiException.notFound("security key " + id));
            ApiException refused = keyManagement.check(principalId, KeyManagement.REMOVE, id, proof);
            if (refused != null) {
                return new Outcome<>(null, refused);
            }
            store.delete(principalId, id);
            audit.append(AuditLog.INSTANCE, AuditEntry.of("webauthn.removed", principalId,
                    Map.of("credentialId", key.credentialId(), "label", key.label())));
            return new Outcome<>(key, null);
        }).get();
    }

    /**
     * An instance admin removes every key of another principal (a lost key, or the recovery after a stolen
     * session was used before the first key): their next key is registered with their session alone again.
     * Open ceremonies of that principal are spent, so nothing started before the reset finishes after it.
     * A refused reset is audited too: someone tried to take away another user's keys.
     */
    public int reset(UUID callerId, boolean adminSession, UUID principalId) {
        return tx.execute(s -> {
            ApiException refused = !adminSession
                    ? ApiException.forbidden("only an instance admin, signed in (not with an API token), resets "
                            + "another user's security keys")
                    : callerId.equals(principalId)
                    ? ApiException.forbidden("an instance admin does not reset their own keys: remove them one "
                            + "by one with an assertion by one of them, or ask another instance admin")
                    : null;
            if (refused != null) {
                audit.append(AuditLog.INSTANCE, AuditEntry.of("webauthn.reset_refused", callerId,
                        Map.of("principalId", principalId, "reason", refused.getMessage())));
                return new Outcome<>(0, refused);
            }
            if (!store.principalExists(principalId)) {
                throw ApiException.notFound("principal " + principalId);
            }
            store.lockPrincipal(principalId);
            int removed = store.deleteAll(principalId);
            store.spendOpen(principalId, now());
            audit.append(AuditLog.INSTANCE, AuditEntry.of("webauthn.reset", callerId,
                    Map.of("principalId", principalId, "removed", removed)));
            return new Outcome<>(removed, null);
        }).get();
    }

    // --- step-up ------------------------------------------------------------------------------------------

    /** A challenge for {@code principalId} to approve the approval; 404/403/409 when it may not. */
    @Transactional
    public WebAuthnCeremony startStepUp(UUID workspaceId, UUID approvalId, UUID principalId, StartStepUp request) {
        ApprovalView approval = approvals.stepUpCandidate(workspaceId, approvalId, principalId);
        String reason = request == null || request.reason() == null || request.reason().isBlank() ? null
                : request.reason().strip();
        Integer grant = request == null ? null : request.grantMinutes();
        if (reason != null && (reason.length() > Approvals.MAX_REASON || reason.chars().anyMatch(Character::isISOControl))) {
            throw ApiException.badRequest("'reason' is at most " + Approvals.MAX_REASON
                    + " characters without control characters");
        }
        if (grant != null && (grant < 1 || grant > Approvals.MAX_GRANT_MINUTES)) {
            throw ApiException.badRequest("'grantMinutes' must be between 1 and " + Approvals.MAX_GRANT_MINUTES);
        }
        List<String> keys = store.credentials(principalId).stream().map(CeremonyStore.Credential::credentialId).toList();
        if (keys.isEmpty()) {
            throw ApiException.conflict("you have no security key registered: register one first "
                    + "(POST /api/v1/me/webauthn/registrations)");
        }
        String hash = StepUpProof.evidenceHash(approval.evidence());
        byte[] nonce = bytes(ChallengeBinding.NONCE_BYTES);
        byte[] challenge = ChallengeBinding.challenge(hash, approvalId, "approve", nonce);
        Instant now = now();
        Started started = start(new CeremonyStore.Ceremony(UUID.randomUUID(), CeremonyStore.Ceremony.STEP_UP,
                principalId, workspaceId, approvalId, "approve", reason, grant, hash, nonce, challenge, null, now,
                now.plus(LIFETIME), null, null, false));
        return started.view(rp.requestOptions(challenge, keys));
    }

    /** An API client's answer to its challenge, for the approval in the path. */
    public ApprovalView finishStepUp(UUID workspaceId, UUID approvalId, UUID principalId, UUID ceremonyId,
                                     JsonNode credential) {
        approvals.get(workspaceId, approvalId); // an approval the caller cannot see is 404 before the body is judged
        if (ceremonyId == null) {
            throw ApiException.badRequest("'challengeId' is required: the id POST …/step-up answered");
        }
        rp.parseAssertion(credential); // unreadable input is refused before anything is locked or spent
        CeremonyStore.Ceremony c = store.find(ceremonyId).orElse(null); // its reason and grant go with the vote
        DecideApproval answer = c == null ? new DecideApproval(null, null)
                : new DecideApproval(c.reason(), c.grantMinutes());
        return approvals.approveWithStepUp(workspaceId, approvalId, principalId, answer,
                approval -> verify(ceremonyId, approval, principalId, credential));
    }

    /** Runs under the approval's lock, in its transaction (see {@link Approvals#approveWithStepUp}). */
    private StepUpProof verify(UUID ceremonyId, ApprovalView approval, UUID principalId, JsonNode credential) {
        CeremonyStore.Ceremony c = store.lock(ceremonyId)
                .orElseThrow(() -> ApiException.notFound("step-up challenge " + ceremonyId));
        if (!c.principalId().equals(principalId)) {
            throw ApiException.forbidden("this challenge was issued to another approver");
        }
        if (!c.kind().equals(CeremonyStore.Ceremony.STEP_UP)) { // e.g. a key-management assertion replayed here
            throw ApiException.forbidden("this challenge was issued for " + (c.kind().equals(
                    CeremonyStore.Ceremony.KEY_MANAGEMENT) ? "managing your security keys" : "a registration")
                    + ", not for an approval; ask POST …/step-up for one");
        }
        if (!c.approvalId().equals(approval.id()) || !c.workspaceId().equals(approval.workspaceId())) {
            throw ApiException.conflict("this challenge was issued for another approval; ask for one for "
                    + approval.id());
        }
        ApiException spent = spend(c);
        if (spent != null) {
            throw spent;
        }
        String hash = StepUpProof.evidenceHash(approval.evidence());
        if (!hash.equals(c.evidenceHash())
                || !Arrays.equals(ChallengeBinding.challenge(hash, approval.id(), c.decision(), c.nonce()), c.challenge())) {
            throw ApiException.conflict("the approval's evidence changed after the challenge was issued; "
                    + "look at it again and ask for a new challenge");
        }
        var data = rp.parseAssertion(credential);
        CeremonyStore.Credential key = store.credential(principalId, RelyingParty.b64(data.getCredentialId()))
                .orElseThrow(() -> ApiException.forbidden("this security key is not registered to you"));
        RelyingParty.Asserted asserted = rp.verifyAssertion(data, c.challenge(), key);
        store.used(principalId, key.id(), asserted.signCount(), now());
        return new StepUpProof(c.id(), asserted.credentialId(), hash, asserted.authenticatorData(),
                asserted.clientDataJson(), asserted.signature());
    }

    // --- the ceremony page --------------------------------------------------------------------------------

    /** What the ceremony page shows and passes to the browser for a ticket; 404 for an unknown one. */
    @Transactional(readOnly = true)
    public JsonNode ticketOptions(String ticket) {
        CeremonyStore.Ceremony c = byTicket(ticket);
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("kind", c.kind());
        out.put("expiresAt", c.expiresAt().toString());
        if (c.kind().equals(CeremonyStore.Ceremony.REGISTRATION)) {
            out.put("label", c.label());
            out.set("publicKey", rp.creationOptions(c.challenge(), c.principalId(), store.principalName(c.principalId()),
                    store.credentials(c.principalId()).stream().map(CeremonyStore.Credential::credentialId).toList()));
        } else if (c.kind().equals(CeremonyStore.Ceremony.KEY_MANAGEMENT)) {
            out.put("purpose", c.decision());
            out.put("label", c.label());
            out.set("publicKey", rp.requestOptions(c.challenge(),
                    store.credentials(c.principalId()).stream().map(CeremonyStore.Credential::credentialId).toList()));
        } else {
            ApprovalView approval = approvals.get(c.workspaceId(), c.approvalId());
            JsonNode e = approval.evidence();
            ObjectNode summary = out.putObject("approval");
            summary.put("id", approval.id().toString());
            for (String field : List.of("action", "method", "resource", "rule", "message")) {
                summary.put(field, e.path(field).asString(""));
            }
            summary.put("run", e.path("run").path("title").asString(""));
            summary.put("evidenceHash", c.evidenceHash());
            out.set("publicKey", rp.requestOptions(c.challenge(),
                    store.credentials(c.principalId()).stream().map(CeremonyStore.Credential::credentialId).toList()));
        }
        return out;
    }

    /**
     * The ceremony page's answer for a ticket, and the page to go on to (a registration the key-management
     * assertion allowed), if any. The ticket acts for the principal who asked for it.
     */
    public Finished finishTicket(String ticket, JsonNode credential) {
        CeremonyStore.Ceremony c = byTicket(ticket);
        if (c.kind().equals(CeremonyStore.Ceremony.REGISTRATION)) {
            WebAuthnCredentialView key = finishRegistration(c.principalId(), c.id(), credential);
            return new Finished("The security key '" + key.label() + "' is registered.", null);
        }
        if (c.kind().equals(CeremonyStore.Ceremony.KEY_MANAGEMENT)) {
            StepUpAssertion proof = new StepUpAssertion(c.id(), credential);
            if (c.decision().equals(KeyManagement.REMOVE)) {
                remove(c.principalId(), c.keyId(), proof);
                return new Finished("The security key '" + c.label() + "' is removed.", null);
            }
            WebAuthnCeremony next = startRegistration(c.principalId(), store.principalName(c.principalId()),
                    c.label(), proof);
            return new Finished("Confirmed. Now register the new key '" + c.label() + "'.", next.ceremonyUrl());
        }
        ApprovalView approval = finishStepUp(c.workspaceId(), c.approvalId(), c.principalId(), c.id(), credential);
        return new Finished("Your approval is recorded (" + approval.approvals() + " of " + approval.quorum()
                + "). You can close this page.", null);
    }

    /** What the ceremony page says, and where it goes next (null: nowhere). */
    public record Finished(String outcome, String next) {}

    private CeremonyStore.Ceremony byTicket(String ticket) {
        if (ticket == null || !ticket.matches("[A-Za-z0-9_-]{43}")) {
            throw ApiException.badRequest("'ticket' is missing or malformed: open the link the Desk gave you again");
        }
        CeremonyStore.Ceremony c = store.byTicket(sha256(ticket.getBytes(StandardCharsets.US_ASCII)))
                .orElseThrow(() -> ApiException.notFound("ceremony ticket"));
        if (c.usedAt() != null || !now().isBefore(c.expiresAt())) {
            throw new ApiException(HttpStatus.GONE, "Gone", "this link was used already or has expired (links last "
                    + LIFETIME.toMinutes() + " minutes, once); start again from the Desk");
        }
        return c;
    }

    // --- parts --------------------------------------------------------------------------------------------

    private record Started(CeremonyStore.Ceremony ceremony, String ticket, String origin) {
        WebAuthnCeremony view(JsonNode publicKey) {
            return new WebAuthnCeremony(ceremony.id(), origin + PAGE + "#ticket=" + ticket, ceremony.expiresAt(),
                    publicKey);
        }
    }

    private Started start(CeremonyStore.Ceremony c) {
        String ticket = RelyingParty.b64(bytes(32));
        store.insert(c, sha256(ticket.getBytes(StandardCharsets.US_ASCII)));
        return new Started(c, ticket, settings.origin());
    }

    /** A refusal when the ceremony cannot be answered any more; otherwise spends it. */
    private ApiException spend(CeremonyStore.Ceremony c) {
        if (c.usedAt() != null || !store.spend(c.id(), now())) {
            return ApiException.conflict("this challenge was answered already; each counts once (a replay is "
                    + "refused): ask for a new one");
        }
        if (!now().isBefore(c.expiresAt())) {
            return ApiException.conflict("this challenge expired at " + c.expiresAt() + "; ask for a new one");
        }
        return null;
    }

    private record Outcome<T>(T value, ApiException refusal) {
        T get() {
            if (refusal != null) {
                throw refusal;
            }
            return value;
        }
    }

    private static WebAuthnCredentialView view(CeremonyStore.Credential c) {
        return new WebAuthnCredentialView(c.id(), c.credentialId(), c.label(), c.signCount(), c.createdAt(),
                c.lastUsedAt());
    }

    private byte[] bytes(int n) {
        byte[] out = new byte[n];
        random.nextBytes(out);
        return out;
    }

    private static byte[] sha256(byte[] in) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(in);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
