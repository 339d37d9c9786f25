package io.octvex.server.credential;

import io.octvex.protocol.CredentialRef;
import io.octvex.protocol.CredentialSeal;
import io.octvex.protocol.SealedCredential;
import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.vault.SealBrokenException;
import io.octvex.server.vault.SecretMaterial;
import io.octvex.server.vault.SecretUse;
import io.octvex.server.vault.Vault;
import io.octvex.server.web.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/**
 * Just-in-time credentials. When the gate has admitted a step whose input names a secret, its lease carries
 * a credential lease bound to (run, step, edge, epoch, action) — never material. Just before use, the edge
 * redeems it: only while the step still runs on that edge at that epoch, before expiry and revocation, is
 * the secret resolved from the vault (audited as {@code secret.accessed} with the edge and lease) and sealed
 * to the edge's enrolled key. Leases are revoked by the database in the transaction that ends their step.
 */
@Service
public class CredentialLeases {
    /** The longest a credential lease lives; it normally ends sooner, with its step. */
    static final Duration MAX_LIFETIME = Duration.ofMinutes(30);
    public static final String ACTION = "credential.use";

    private final CredentialLeaseStore store;
    private final Vault vault;
    private final AuditLog audit;
    private final Clock clock;

    CredentialLeases(CredentialLeaseStore store, Vault vault, AuditLog audit, Clock clock) {
        this.store = store;
        this.vault = vault;
        this.audit = audit;
        this.clock = clock;
    }

    /** The credential leases of a step just leased (in the claim's transaction); none when it names none. */
    @Transactional(propagation = Propagation.MANDATORY)
    public List<CredentialRef> grant(UUID workspaceId, UUID runId, UUID stepId, UUID edgeId, long epoch,
                                     String handler, JsonNode input) {
        List<CredentialUse> uses;
        try {
            uses = CredentialUse.of(handler, input);
        } catch (IllegalArgumentException malformed) {
            return List.of(); // the handler refuses the input and says why; nothing to lease
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Instant expires = now.plus(MAX_LIFETIME);
        List<CredentialRef> refs = new ArrayList<>();
        for (CredentialUse use : uses) {
            UUID id = UUID.randomUUID();
            store.insert(id, workspaceId, runId, stepId, edgeId, epoch, use, ACTION, now, expires);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("leaseId", id.toString());
            data.put("secret", use.secret());
            data.put("as", use.as());
            if (use.field() != null) {
                data.put("field", use.field());
            }
            data.put("edgeId", edgeId.toString());
            data.put("epoch", epoch);
            data.put("expiresAt", expires.toString());
            audit.append(workspaceId, AuditEntry.ofRun("credential.leased", runId, stepId, null, data));
            refs.add(new CredentialRef(id, use.secret(), use.as(), use.header(), use.field()));
        }
        return refs;
    }

    /**
     * The material of a credential lease, sealed to the edge that holds it. Refused (409) when the lease is
     * not this edge's at this epoch, was revoked, expired, or its step no longer runs there.
     */
    @Transactional
    public SealedCredential redeem(Collection<UUID> edgeWorkspaces, UUID edgeId, byte[] edgeKey, UUID stepId,
                                   UUID leaseId, long epoch) {
        CredentialLeaseStore.Redeemable lease = store.lock(edgeWorkspaces, stepId, leaseId)
                .orElseThrow(() -> ApiException.notFound("credential lease " + leaseId + " of step " + stepId));
        if (!lease.edgeId().equals(edgeId) || lease.epoch() != epoch) {
            throw ApiException.conflict("credential lease " + leaseId + " was granted to another edge or lease epoch");
        }
        if (lease.revokedAt() != null) {
            throw ApiException.conflict("credential lease " + leaseId + " was revoked (" + lease.revokedReason() + ")");
        }
        Instant now = clock.instant();
        if (!now.isBefore(lease.expiresAt())) {
            throw ApiException.conflict("credential lease " + leaseId + " expired at " + lease.expiresAt());
        }
        boolean live = ("running".equals(lease.stepStatus()) || "blocked".equals(lease.stepStatus()))
                && Long.valueOf(epoch).equals(lease.stepEpoch()) && edgeId.equals(lease.stepEdge());
        if (!live) {
            throw ApiException.conflict("step " + stepId + " is no longer running on this edge at epoch " + epoch);
        }
        CredentialUse use = new CredentialUse(lease.secret(), lease.usage(), lease.header(), lease.field());
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put("edgeId", edgeId.toString());
        detail.put("leaseId", leaseId.toString());
        detail.put("as", use.as());
        byte[] plaintext = null;
        try (SecretMaterial material = vault.resolve(lease.workspaceId(), use.secret(),
                new SecretUse(lease.runId(), stepId, lease.submittedBy(), lease.action(), detail))) {
            plaintext = CredentialMaterial.of(material, use);
            SealedCredential sealed = CredentialSeal.seal(leaseId, Base64.getEncoder().encodeToString(edgeKey),
                    plaintext, CredentialSeal.binding(leaseId, stepId, epoch));
            store.redeemed(lease.workspaceId(), leaseId);
            return sealed;
        } catch (SealBrokenException e) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "Secret cannot be opened",
                    "secret '" + use.secret() + "' cannot be opened: " + e.getMessage());
        } finally {
            CredentialMaterial.wipe(plaintext);
        }
    }
}
