package io.octvex.server.vault;

import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Per-workspace data keys: made, wrapped under the root key, counted, rotated. Every method runs inside the
 * caller's transaction, which must hold the workspace's keyring lock ({@link VaultStore#lockKeyring}).
 */
@Component
class DataKeys {
    static final String ROTATED = "vault.rotated";

    private final VaultStore store;
    private final UnlockedRoot root;
    private final AuditLog audit;
    private final Clock clock;
    private final long rotateAfter;

    DataKeys(VaultStore store, UnlockedRoot root, AuditLog audit, Clock clock, VaultProperties settings) {
        this.store = store;
        this.root = root;
        this.audit = audit;
        this.clock = clock;
        this.rotateAfter = settings.rotateAfter();
    }

    /**
     * The key to seal one value with: the current term's, with this encryption counted. A workspace without a
     * key gets its first; a key that would pass {@code rotate-after} encryptions is replaced by a new term first.
     */
    DataKey forSealing(UUID workspaceId, int currentTerm) {
        int term = currentTerm > 0 ? currentTerm : rotate(workspaceId, 0, null, "first key");
        VaultStore.DataKeyRow row = store.countEncryption(workspaceId, term);
        if (row.encryptions() > rotateAfter) {
            term = rotate(workspaceId, term, null, "encryption limit");
            row = store.countEncryption(workspaceId, term);
        }
        return new DataKey(term, open(workspaceId, term, row.rootTerm(), row.wrapped()));
    }

    /** Unwraps a data key read with the value it seals. */
    byte[] open(UUID workspaceId, int term, int rootTerm, byte[] wrapped) {
        if (wrapped == null) {
            throw new SealBrokenException("the data key of term " + term + " was destroyed: nothing can open what "
                    + "it sealed");
        }
        requireCurrentRoot(rootTerm);
        return root.key().unwrap(workspaceId, term, rootTerm, wrapped);
    }

    /**
     * Makes a new data key the workspace's current one; values sealed under older terms stay readable until
     * the re-encrypt job has moved them. Audited as {@code vault.rotated}, a workspace's first key too (from term 0).
     */
    int rotate(UUID workspaceId, int fromTerm, UUID actor, String reason) {
        int rootTerm = store.shareCurrentRootTerm();
        requireCurrentRoot(rootTerm);
        int term = store.nextTerm(workspaceId);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        byte[] key = Aead.randomKey();
        try {
            store.insertDataKey(workspaceId, term, rootTerm, root.key().wrap(workspaceId, term, rootTerm, key), now);
        } finally {
            java.util.Arrays.fill(key, (byte) 0);
        }
        store.makeCurrent(workspaceId, fromTerm, term, now);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("fromTerm", fromTerm);
        data.put("toTerm", term);
        data.put("reason", reason);
        audit.append(workspaceId, AuditEntry.of(ROTATED, actor, data));
        return term;
    }

    /** A replica still running on a root key that was rotated out must not wrap or open with it. */
    private void requireCurrentRoot(int rootTerm) {
        if (rootTerm != root.term()) {
            throw new IllegalStateException("this server unlocked the vault with root key term " + root.term()
                    + ", but the vault is at root term " + rootTerm + ": restart it with the current root key");
        }
    }
}
