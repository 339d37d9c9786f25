package io.octvex.server.vault;

import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Moves values sealed under older data keys to the workspace's current one after a rotation, then destroys
 * the keys nothing is sealed under any more. Runs on every replica: each batch claims one workspace's keyring
 * with SKIP LOCKED, so replicas share the work and never re-encrypt the same value twice, and a write or a
 * rotation in that workspace waits for the batch (and the batch for them).
 */
@Component
class Reencryptor {
    static final String REENCRYPTED = "vault.reencrypted";
    static final int BATCH = 100;
    private static final Logger log = LoggerFactory.getLogger(Reencryptor.class);

    private final VaultStore store;
    private final DataKeys keys;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Clock clock;

    Reencryptor(VaultStore store, DataKeys keys, AuditLog audit, TransactionTemplate tx, Clock clock) {
        this.store = store;
        this.keys = keys;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${octvex.vault.reencrypt-interval:PT30S}",
            initialDelayString = "${octvex.vault.reencrypt-interval:PT30S}")
    void scheduled() {
        try {
            int moved = runUntilDone();
            if (moved > 0) {
                log.info("Re-encrypted {} secret values under their workspaces' current data keys", moved);
            }
        } catch (RuntimeException e) {
            log.warn("Vault re-encryption failed; the next run retries", e);
        }
    }

    /**
     * Batches until no keyring has work left (or only keyrings other replicas hold); answers values moved. A
     * workspace whose values cannot be opened (see the log) is skipped for the rest of this run, so one broken
     * row does not stall every other workspace.
     */
    int runUntilDone() {
        int moved = 0;
        Set<UUID> skipped = new HashSet<>();
        while (true) {
            AtomicReference<UUID> claimed = new AtomicReference<>();
            try {
                Integer batch = tx.execute(s -> batch(skipped, claimed));
                if (batch == null || batch < 0) {
                    return moved;
                }
                moved += batch;
            } catch (RuntimeException e) {
                if (claimed.get() == null) {
                    throw e;
                }
                skipped.add(claimed.get());
                log.warn("Cannot re-encrypt the vault of workspace {}: {}", claimed.get(), e.getMessage());
            }
        }
    }

    /** One workspace: up to {@link #BATCH} values moved; -1 when no keyring needs work it can do. */
    private int batch(Set<UUID> skipped, AtomicReference<UUID> claimed) {
        VaultStore.Keyring keyring = store.claimKeyringToClean(skipped).orElse(null);
        if (keyring == null) {
            return -1;
        }
        claimed.set(keyring.workspaceId());
        List<VaultStore.Sealed> older = store.sealedUnderOlderTerms(keyring.workspaceId(), keyring.currentTerm(), BATCH);
        Map<Integer, byte[]> opened = new HashMap<>();
        int moved = 0;
        int term = keyring.currentTerm();
        try {
            for (VaultStore.Sealed value : older) {
                byte[] oldKey = opened.computeIfAbsent(value.keyTerm(),
                        t -> keys.open(keyring.workspaceId(), t, value.rootTerm(), value.wrapped()));
                byte[] aad = Vault.aad(keyring.workspaceId(), value.id(), value.version());
                byte[] plaintext = Aead.open(oldKey, value.sealed(), aad);
                try (DataKey key = keys.forSealing(keyring.workspaceId(), term)) {
                    term = key.term(); // the encryption limit may have moved the workspace on meanwhile
                    if (store.reseal(keyring.workspaceId(), value.id(), value.version(), value.keyTerm(), key.term(),
                            Aead.seal(key.key(), plaintext, aad))) {
                        moved++;
                    }
                } finally {
                    Arrays.fill(plaintext, (byte) 0);
                }
            }
        } finally {
            opened.values().forEach(k -> Arrays.fill(k, (byte) 0));
        }
        List<Integer> destroyed = store.destroyUnused(keyring.workspaceId(), term,
                clock.instant().truncatedTo(ChronoUnit.MICROS));
        if (moved > 0 || !destroyed.isEmpty()) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("toTerm", term);
            data.put("secrets", moved);
            data.put("destroyedTerms", destroyed);
            audit.append(keyring.workspaceId(), AuditEntry.of(REENCRYPTED, null, data));
            return moved;
        }
        return -1;
    }
}
