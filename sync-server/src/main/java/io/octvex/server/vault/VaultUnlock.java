package io.octvex.server.vault;

import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Opens the vault at start, before the server listens. The first start keeps the root key's check value;
 * every later start must present a key that matches it, or the server refuses to start and writes nothing.
 * A key that does not match while a previous key (being rotated out) does starts a root rotation: every data
 * key is rewrapped under the new root key in one transaction. Safe when several replicas start at once.
 */
final class VaultUnlock {
    /** pg_advisory_xact_lock key of the first start: "ovx-vlt1". */
    static final long FIRST_START_LOCK = 0x6f76782d766c7431L;
    static final String INITIALIZED = "vault.initialized";
    static final String ROOT_ROTATED = "vault.root_rotated";
    private static final Logger log = LoggerFactory.getLogger(VaultUnlock.class);

    private final VaultStore store;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final AuditLog audit;
    private final Clock clock;

    VaultUnlock(VaultStore store, JdbcClient jdbc, TransactionTemplate tx, AuditLog audit, Clock clock) {
        this.store = store;
        this.jdbc = jdbc;
        this.tx = tx;
        this.audit = audit;
        this.clock = clock;
    }

    UnlockedRoot unlock(RootKeySources.Choice sources) {
        RootKeySource source = sources.current();
        Optional<VaultStore.RootTerm> stored = store.currentRoot();
        if (stored.isEmpty()) {
            return initialize(source);
        }
        VaultStore.RootTerm current = stored.get();
        Optional<RootKey> key = source.load(current.kdf());
        if (key.isPresent() && key.get().matches(current.check())) {
            log.info("Vault unlocked with {} (root term {}, fingerprint {})", source.describe(), current.term(),
                    key.get().fingerprint());
            return new UnlockedRoot(key.get(), current.term());
        }
        for (RootKeySource previous : sources.previous()) {
            Optional<RootKey> old = previous.load(current.kdf());
            if (old.isPresent() && old.get().matches(current.check())) {
                key.ifPresent(RootKey::close);
                return rotate(current, old.get(), previous, source);
            }
            old.ifPresent(RootKey::close);
        }
        throw refusal(current, source, key);
    }

    private UnlockedRoot initialize(RootKeySource source) {
        RootKey key = source.loadOrCreate();
        return tx.execute(s -> {
            jdbc.sql("SELECT pg_advisory_xact_lock(:key)").param("key", FIRST_START_LOCK).query().singleValue();
            Optional<VaultStore.RootTerm> raced = store.currentRoot();
            if (raced.isPresent()) { // another replica initialised it first
                if (!key.matches(raced.get().check())) {
                    throw refusal(raced.get(), source, Optional.of(key));
                }
                return new UnlockedRoot(key, raced.get().term());
            }
            store.insertRoot(1, key.source(), key.kdf(), key.checkValue(), now());
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("rootTerm", 1);
            data.put("source", key.source());
            data.put("fingerprint", key.fingerprint());
            audit.append(AuditLog.INSTANCE, AuditEntry.of(INITIALIZED, null, data));
            log.info("Vault initialised with {} (root term 1, fingerprint {})", source.describe(), key.fingerprint());
            return new UnlockedRoot(key, 1);
        });
    }

    private UnlockedRoot rotate(VaultStore.RootTerm from, RootKey old, RootKeySource previous, RootKeySource source) {
        RootKey key = source.loadOrCreate();
        try {
            return tx.execute(s -> {
                VaultStore.RootTerm current = store.lockCurrentRoot().orElseThrow();
                if (current.term() != from.term()) { // another replica rotated it meanwhile
                    if (!key.matches(current.check())) {
                        throw refusal(current, source, Optional.of(key));
                    }
                    return new UnlockedRoot(key, current.term());
                }
                int term = current.term() + 1;
                Instant now = now();
                store.retireRoot(current.term(), now);
                store.insertRoot(term, key.source(), key.kdf(), key.checkValue(), now);
                int rewrapped = 0;
                for (VaultStore.DataKeyRow row : store.lockLiveDataKeys()) {
                    byte[] dataKey = old.unwrap(row.workspaceId(), row.term(), row.rootTerm(), row.wrapped());
                    try {
                        store.rewrap(row.workspaceId(), row.term(), term, key.wrap(row.workspaceId(), row.term(), term, dataKey));
                    } finally {
                        java.util.Arrays.fill(dataKey, (byte) 0);
                    }
                    rewrapped++;
                }
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("fromTerm", current.term());
                data.put("toTerm", term);
                data.put("source", key.source());
                data.put("fingerprint", key.fingerprint());
                data.put("dataKeys", rewrapped);
                audit.append(AuditLog.INSTANCE, AuditEntry.of(ROOT_ROTATED, null, data));
                log.warn("Vault root key rotated: root term {} -> {}, {} data keys rewrapped under {} (fingerprint {}). "
                        + "The previous key ({}) is no longer needed: back up the new one, then destroy the old.",
                        current.term(), term, rewrapped, source.describe(), key.fingerprint(), previous.describe());
                return new UnlockedRoot(key, term);
            });
        } finally {
            old.close();
        }
    }

    private static VaultLockedException refusal(VaultStore.RootTerm current, RootKeySource source, Optional<RootKey> key) {
        String vault = "The database's vault (root term " + current.term() + ", made with a root key from '"
                + current.source() + "', fingerprint " + RootKey.fingerprint(current.check()) + ")";
        String keep = " Nothing was changed: the server does not start rather than touch data it cannot read.";
        String rotation = " To rotate the root key, give the old one as the previous key"
                + " (root.key.previous, OCTVEX_VAULT_PREVIOUS_ROOT_KEY or OCTVEX_VAULT_PREVIOUS_PASSPHRASE; docs/vault.md).";
        if (key.isEmpty()) {
            return new VaultLockedException(vault + " needs its root key, but " + source.describe()
                    + " holds none." + keep + " No new key was made.",
                    "Restore the root key from your backup into " + source.describe() + ", or point octvex.vault.* at "
                    + "the source that holds it." + rotation);
        }
        String fingerprint = key.get().fingerprint();
        key.get().close();
        return new VaultLockedException(vault + " cannot be opened with the root key from " + source.describe()
                + " (fingerprint " + fingerprint + "): it is another key." + keep,
                "Give this server the vault's root key (the one with fingerprint "
                + RootKey.fingerprint(current.check()) + "), restored from your backup if need be." + rotation);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
