package io.octvex.server.vault;

import io.octvex.protocol.CreateSecret;
import io.octvex.protocol.SecretKind;
import io.octvex.protocol.SecretView;
import io.octvex.protocol.UpdateSecret;
import io.octvex.protocol.VaultStatus;
import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.web.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The credential vault of every workspace: secrets stored sealed (AES-256-GCM under the workspace's data key,
 * AAD = workspace id + secret id + version), their metadata, data key rotation, and {@link #resolve}, the one
 * way to get a value back out, for the code that injects it into an action. Values are write-only through
 * the API; every change and every access is an audit event that names the secret, never its value. Callers
 * check the caller's rights; these methods trust the workspace id they are given.
 */
@Service
public class Vault {
    static final String CREATED = "secret.created";
    static final String UPDATED = "secret.updated";
    static final String DELETED = "secret.deleted";
    static final String ACCESSED = "secret.accessed";
    private static final String SECRET_AAD = "octvex/secret/v1";

    private final VaultStore store;
    private final DataKeys keys;
    private final AuditLog audit;
    private final Clock clock;
    private final long maxValueSize;

    Vault(VaultStore store, DataKeys keys, AuditLog audit, Clock clock, VaultProperties settings) {
        this.store = store;
        this.keys = keys;
        this.audit = audit;
        this.clock = clock;
        this.maxValueSize = settings.maxValueSize().toBytes();
    }

    /** Stores a new secret at version 1 and wipes the value fields of {@code request}. */
    @Transactional
    public SecretView create(UUID workspaceId, UUID actor, CreateSecret request) {
        Map<SecretField, char[]> given = fields(request.value(), request.username(), request.password(),
                request.header(), request.token());
        try {
            String name = SecretNames.check(request.name());
            SecretKind kind = request.kind();
            if (kind == null) {
                throw ApiException.badRequest("'kind' is required: opaque, username_password, http_header or bearer");
            }
            if (kind == SecretKind.OAUTH) {
                throw ApiException.badRequest("an oauth secret is a connection made by the OAuth flow, not through "
                        + "this API; store a token you already have as a bearer secret");
            }
            byte[] plaintext = SecretCodec.encode(kind, given, maxValueSize);
            try {
                int term = store.lockKeyring(workspaceId);
                if (store.find(workspaceId, name).isPresent()) {
                    throw ApiException.conflict("a secret with this name already exists; replace its value with "
                            + "PUT …/secrets/{name}/value, or delete it first");
                }
                UUID id = UUID.randomUUID();
                Instant now = now();
                byte[] sealed;
                int keyTerm;
                try (DataKey key = keys.forSealing(workspaceId, term)) {
                    sealed = Aead.seal(key.key(), plaintext, aad(workspaceId, id, 1));
                    keyTerm = key.term();
                }
                SecretView secret = new SecretView(id, workspaceId, name, kind, 1, keyTerm, now, actor, now, actor, null);
                store.insert(secret, sealed);
                audit.append(workspaceId, AuditEntry.of(CREATED, actor, describe(secret)));
                return secret;
            } finally {
                Arrays.fill(plaintext, (byte) 0);
            }
        } finally {
            wipe(given);
        }
    }

    /** Replaces a secret's value (same kind) as its next version and wipes the value fields of {@code request}. */
    @Transactional
    public SecretView update(UUID workspaceId, String name, UUID actor, UpdateSecret request) {
        Map<SecretField, char[]> given = fields(request.value(), request.username(), request.password(),
                request.header(), request.token());
        try {
            SecretNames.check(name);
            int term = store.lockKeyring(workspaceId);
            SecretView current = store.lock(workspaceId, name).orElseThrow(() -> ApiException.notFound("secret"));
            if (current.kind() == SecretKind.OAUTH) {
                throw ApiException.badRequest("an oauth secret holds an OAuth connection's tokens, which only the "
                        + "OAuth flow and its refresh job replace; reconnect with POST …/oauth/connections");
            }
            byte[] plaintext = SecretCodec.encode(current.kind(), given, maxValueSize);
            try {
                long version = current.version() + 1;
                Instant now = now();
                try (DataKey key = keys.forSealing(workspaceId, term)) {
                    store.updateValue(workspaceId, current.id(), version, key.term(),
                            Aead.seal(key.key(), plaintext, aad(workspaceId, current.id(), version)), actor, now);
                }
                SecretView updated = store.find(workspaceId, name).orElseThrow();
                audit.append(workspaceId, AuditEntry.of(UPDATED, actor, describe(updated)));
                return updated;
            } finally {
                Arrays.fill(plaintext, (byte) 0);
            }
        } finally {
            wipe(given);
        }
    }

    @Transactional(readOnly = true)
    public List<SecretView> list(UUID workspaceId) {
        return store.list(workspaceId);
    }

    @Transactional(readOnly = true)
    public SecretView get(UUID workspaceId, String name) {
        return store.find(workspaceId, SecretNames.check(name)).orElseThrow(() -> ApiException.notFound("secret"));
    }

    /**
     * Deletes the secret's row, sealed value and all: a deleted credential cannot be brought back. The audit
     * log keeps what it was (name, kind, last version).
     */
    @Transactional
    public void delete(UUID workspaceId, String name, UUID actor) {
        SecretView secret = store.lock(workspaceId, SecretNames.check(name))
                .orElseThrow(() -> ApiException.notFound("secret"));
        if (secret.kind() == SecretKind.OAUTH) {
            throw ApiException.conflict("this secret is an OAuth connection's tokens; revoke the connection with "
                    + "DELETE …/oauth/connections/{name}, which also revokes them at the provider");
        }
        store.delete(workspaceId, secret.id());
        audit.append(workspaceId, AuditEntry.of(DELETED, actor, describe(secret)));
    }

    /**
     * Seals an OAuth connection's tokens as the {@code oauth} secret {@code name}: version 1 when it is new, the
     * next version when it exists. {@code refreshToken} may be empty. Only the OAuth brokerage calls this; the
     * caller wipes both arrays.
     */
    @Transactional
    public SecretView putOAuthTokens(UUID workspaceId, String name, UUID actor, char[] accessToken,
                                     char[] refreshToken) {
        SecretNames.check(name);
        Map<SecretField, char[]> given = new EnumMap<>(SecretField.class);
        given.put(SecretField.TOKEN, accessToken);
        given.put(SecretField.REFRESH_TOKEN, refreshToken == null ? new char[0] : refreshToken);
        byte[] plaintext = SecretCodec.encode(SecretKind.OAUTH, given, maxValueSize);
        try {
            int term = store.lockKeyring(workspaceId);
            var existing = store.lock(workspaceId, name);
            if (existing.isPresent() && existing.get().kind() != SecretKind.OAUTH) {
                throw ApiException.conflict("a " + existing.get().kind().wire() + " secret named '" + name
                        + "' exists; an OAuth connection needs a name no other secret has");
            }
            UUID id = existing.map(SecretView::id).orElseGet(UUID::randomUUID);
            long version = existing.map(v -> v.version() + 1).orElse(1L);
            Instant now = now();
            byte[] sealed;
            int keyTerm;
            try (DataKey key = keys.forSealing(workspaceId, term)) {
                sealed = Aead.seal(key.key(), plaintext, aad(workspaceId, id, version));
                keyTerm = key.term();
            }
            if (existing.isEmpty()) {
                store.insert(new SecretView(id, workspaceId, name, SecretKind.OAUTH, 1, keyTerm, now, actor, now,
                        actor, null), sealed);
            } else {
                store.updateValue(workspaceId, id, version, keyTerm, sealed, actor, now);
            }
            SecretView stored = store.find(workspaceId, name).orElseThrow();
            audit.append(workspaceId, AuditEntry.of(existing.isEmpty() ? CREATED : UPDATED, actor, describe(stored)));
            return stored;
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /** Deletes an OAuth connection's {@code oauth} secret (the brokerage revokes it at the provider first). */
    @Transactional
    public void deleteOAuthTokens(UUID workspaceId, String name, UUID actor) {
        store.lock(workspaceId, SecretNames.check(name)).filter(s -> s.kind() == SecretKind.OAUTH).ifPresent(secret -> {
            store.delete(workspaceId, secret.id());
            audit.append(workspaceId, AuditEntry.of(DELETED, actor, describe(secret)));
        });
    }

    @Transactional(readOnly = true)
    public VaultStatus status(UUID workspaceId) {
        return store.status(workspaceId);
    }

    /** A new data key for the workspace; values under older ones are moved by the re-encrypt job. */
    @Transactional
    public VaultStatus rotate(UUID workspaceId, UUID actor) {
        int term = store.lockKeyring(workspaceId);
        keys.rotate(workspaceId, term, actor, term == 0 ? "first key" : "requested");
        return store.status(workspaceId);
    }

    /**
     * The secret's value, for the one action about to use it: opened, audited as {@code secret.accessed}
     * (name, kind, version and {@code use}, never the value) in the caller's transaction when there is one,
     * and handed over as material the caller must close. Only code that injects credentials calls this.
     *
     * @throws SealBrokenException when the stored value does not open: altered, moved, or its key is gone
     */
    @Transactional
    public SecretMaterial resolve(UUID workspaceId, String name, SecretUse use) {
        VaultStore.Sealed sealed = store.sealed(workspaceId, SecretNames.check(name))
                .orElseThrow(() -> ApiException.notFound("secret"));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("secretId", sealed.id().toString());
        data.put("name", sealed.name());
        data.put("kind", sealed.kind().wire());
        data.put("version", sealed.version());
        if (use.action() != null) {
            data.put("action", use.action());
        }
        data.putAll(use.detail());
        audit.append(workspaceId, new AuditEntry(ACCESSED, use.runId(), use.stepId(), use.principalId(), data));
        return open(workspaceId, sealed);
    }

    /** Opens a sealed value read together with its wrapped data key. */
    SecretMaterial open(UUID workspaceId, VaultStore.Sealed sealed) {
        byte[] dataKey = keys.open(workspaceId, sealed.keyTerm(), sealed.rootTerm(), sealed.wrapped());
        byte[] plaintext = null;
        try {
            plaintext = Aead.open(dataKey, sealed.sealed(), aad(workspaceId, sealed.id(), sealed.version()));
            return SecretCodec.decode(plaintext, sealed.kind(), sealed.version());
        } finally {
            Arrays.fill(dataKey, (byte) 0);
            if (plaintext != null) {
                Arrays.fill(plaintext, (byte) 0);
            }
        }
    }

    static byte[] aad(UUID workspaceId, UUID secretId, long version) {
        return Aead.aad(SECRET_AAD, workspaceId, secretId, version);
    }

    private static Map<String, Object> describe(SecretView secret) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("secretId", secret.id().toString());
        data.put("name", secret.name());
        data.put("kind", secret.kind().wire());
        data.put("version", secret.version());
        data.put("keyTerm", secret.keyTerm());
        return data;
    }

    private static Map<SecretField, char[]> fields(char[] value, char[] username, char[] password, char[] header,
                                                   char[] token) {
        Map<SecretField, char[]> fields = new EnumMap<>(SecretField.class);
        put(fields, SecretField.VALUE, value);
        put(fields, SecretField.USERNAME, username);
        put(fields, SecretField.PASSWORD, password);
        put(fields, SecretField.HEADER, header);
        put(fields, SecretField.TOKEN, token);
        return fields;
    }

    private static void put(Map<SecretField, char[]> fields, SecretField field, char[] value) {
        if (value != null) {
            fields.put(field, value);
        }
    }

    private static void wipe(Map<SecretField, char[]> fields) {
        fields.values().forEach(v -> Arrays.fill(v, '\0'));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
