package io.octvex.server.vault;

import io.octvex.protocol.SecretKind;
import io.octvex.protocol.SecretView;
import io.octvex.protocol.VaultStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The vault's tables. Every workspace query takes the workspace id; only root-term queries are instance-wide. */
@Component
class VaultStore {
    private static final String SECRET_COLUMNS = """
            s.id, s.workspace_id, s.name, s.kind, s.version, s.key_term, s.created_at, s.created_by,
            s.updated_at, s.updated_by, s.rotated_at""";
    private static final String SEALED_COLUMNS = """
            s.id, s.name, s.kind, s.version, s.key_term, s.sealed, d.root_term, d.wrapped""";
    private final JdbcClient jdbc;

    VaultStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    // --- root terms -------------------------------------------------------------------------------------------

    record RootTerm(int term, String source, KdfParams kdf, byte[] check) {}

    Optional<RootTerm> currentRoot() {
        return jdbc.sql("SELECT term, source, kdf::text AS kdf, check_value FROM vault_root_terms WHERE retired_at IS NULL")
                .query(VaultStore::rootTerm).optional();
    }

    Optional<RootTerm> lockCurrentRoot() {
        return jdbc.sql("""
                SELECT term, source, kdf::text AS kdf, check_value FROM vault_root_terms WHERE retired_at IS NULL
                FOR UPDATE""").query(VaultStore::rootTerm).optional();
    }

    /** The current root term, share-locked so that no root rotation commits while a data key is wrapped. */
    int shareCurrentRootTerm() {
        return jdbc.sql("SELECT term FROM vault_root_terms WHERE retired_at IS NULL FOR SHARE").query(Integer.class)
                .optional().orElseThrow(() -> new IllegalStateException("the vault has no root term"));
    }

    void insertRoot(int term, String source, KdfParams kdf, byte[] check, Instant at) {
        jdbc.sql("""
                INSERT INTO vault_root_terms (term, source, kdf, check_value, created_at)
                VALUES (:term, :source, CAST(:kdf AS jsonb), :check, :at)""")
                .param("term", term).param("source", source).param("kdf", kdf == null ? null : kdf.toJson())
                .param("check", check).param("at", at(at)).update();
    }

    void retireRoot(int term, Instant at) {
        jdbc.sql("UPDATE vault_root_terms SET retired_at = :at WHERE term = :term").param("at", at(at))
                .param("term", term).update();
    }

    // --- data keys ---------------------------------------------------------------------------------------------

    record DataKeyRow(UUID workspaceId, int term, int rootTerm, byte[] wrapped, long encryptions) {}

    /** Locks the workspace's keyring (creating it) and answers its current term, 0 before its first key. */
    int lockKeyring(UUID workspaceId) {
        jdbc.sql("INSERT INTO vault_keyrings (workspace_id) VALUES (:ws) ON CONFLICT DO NOTHING")
                .param("ws", workspaceId).update();
        return jdbc.sql("SELECT current_term FROM vault_keyrings WHERE workspace_id = :ws FOR UPDATE")
                .param("ws", workspaceId).query((rs, n) -> rs.getInt("current_term")).single(); // NULL reads as 0
    }

    /**
     * A workspace whose older data keys still seal values or still exist, locked for this transaction; a
     * keyring another replica is working on is skipped.
     */
    Optional<Keyring> claimKeyringToClean(Set<UUID> skipped) {
        return jdbc.sql("""
                SELECT k.workspace_id, k.current_term FROM vault_keyrings k
                WHERE k.current_term IS NOT NULL AND k.workspace_id NOT IN (:skipped)
                  AND (EXISTS (SELECT 1 FROM secrets s WHERE s.workspace_id = k.workspace_id AND s.key_term <> k.current_term)
                    OR EXISTS (SELECT 1 FROM vault_data_keys d WHERE d.workspace_id = k.workspace_id
                                 AND d.term <> k.current_term AND d.wrapped IS NOT NULL))
                LIMIT 1 FOR UPDATE OF k SKIP LOCKED""")
                .param("skipped", skipped.isEmpty() ? List.of(new UUID(0, 0)) : List.copyOf(skipped))
                .query((rs, n) -> new Keyring(rs.getObject("workspace_id", UUID.class), rs.getInt("current_term")))
                .optional();
    }

    record Keyring(UUID workspaceId, int currentTerm) {}

    int nextTerm(UUID workspaceId) {
        return jdbc.sql("SELECT coalesce(max(term), 0) + 1 FROM vault_data_keys WHERE workspace_id = :ws")
                .param("ws", workspaceId).query(Integer.class).single();
    }

    void insertDataKey(UUID workspaceId, int term, int rootTerm, byte[] wrapped, Instant at) {
        jdbc.sql("""
                INSERT INTO vault_data_keys (workspace_id, term, root_term, wrapped, created_at)
                VALUES (:ws, :term, :root, :wrapped, :at)""")
                .param("ws", workspaceId).param("term", term).param("root", rootTerm).param("wrapped", wrapped)
                .param("at", at(at)).update();
    }

    void makeCurrent(UUID workspaceId, int previousTerm, int term, Instant at) {
        if (previousTerm > 0) {
            jdbc.sql("UPDATE vault_data_keys SET retired_at = :at WHERE workspace_id = :ws AND term = :term")
                    .param("at", at(at)).param("ws", workspaceId).param("term", previousTerm).update();
        }
        jdbc.sql("UPDATE vault_keyrings SET current_term = :term, version = version + 1 WHERE workspace_id = :ws")
                .param("term", term).param("ws", workspaceId).update();
    }

    /** Counts one more encryption under the key and answers it, with the count including this one. */
    DataKeyRow countEncryption(UUID workspaceId, int term) {
        return jdbc.sql("""
                UPDATE vault_data_keys SET encryptions = encryptions + 1
                WHERE workspace_id = :ws AND term = :term AND wrapped IS NOT NULL
                RETURNING workspace_id, term, root_term, wrapped, encryptions""")
                .param("ws", workspaceId).param("term", term).query(VaultStore::dataKey).single();
    }

    /** Every data key still in existence, locked: what a root rotation rewraps. */
    List<DataKeyRow> lockLiveDataKeys() {
        return jdbc.sql("""
                SELECT workspace_id, term, root_term, wrapped, encryptions FROM vault_data_keys
                WHERE wrapped IS NOT NULL ORDER BY workspace_id, term FOR UPDATE""").query(VaultStore::dataKey).list();
    }

    void rewrap(UUID workspaceId, int term, int rootTerm, byte[] wrapped) {
        jdbc.sql("UPDATE vault_data_keys SET root_term = :root, wrapped = :wrapped WHERE workspace_id = :ws AND term = :term")
                .param("root", rootTerm).param("wrapped", wrapped).param("ws", workspaceId).param("term", term).update();
    }

    /** Destroys the workspace's data keys other than {@code current} that no value is sealed under any more. */
    List<Integer> destroyUnused(UUID workspaceId, int current, Instant at) {
        return jdbc.sql("""
                UPDATE vault_data_keys d SET wrapped = NULL, destroyed_at = :at, retired_at = coalesce(retired_at, :at)
                WHERE d.workspace_id = :ws AND d.term <> :current AND d.wrapped IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM secrets s WHERE s.workspace_id = d.workspace_id AND s.key_term = d.term)
                RETURNING d.term""")
                .param("at", at(at)).param("ws", workspaceId).param("current", current).query(Integer.class).list();
    }

    VaultStatus status(UUID workspaceId) {
        return jdbc.sql("""
                SELECT k.current_term, d.created_at, d.encryptions,
                       (SELECT count(*) FROM secrets s WHERE s.workspace_id = :ws) AS secrets,
                       (SELECT count(*) FROM secrets s WHERE s.workspace_id = :ws AND s.key_term <> k.current_term) AS older
                FROM (SELECT CAST(:ws AS uuid) AS workspace_id) w
                LEFT JOIN vault_keyrings k ON k.workspace_id = w.workspace_id
                LEFT JOIN vault_data_keys d ON d.workspace_id = k.workspace_id AND d.term = k.current_term""")
                .param("ws", workspaceId)
                .query((rs, n) -> new VaultStatus(workspaceId, rs.getInt("current_term"), instant(rs, "created_at"),
                        rs.getLong("encryptions"), rs.getLong("secrets"), rs.getLong("older")))
                .single();
    }

    // --- secrets -----------------------------------------------------------------------------------------------

    /** A secret's sealed value with the wrapped data key it is sealed under, read in one statement. */
    record Sealed(UUID id, String name, SecretKind kind, long version, int keyTerm, byte[] sealed, int rootTerm,
                  byte[] wrapped) {}

    List<SecretView> list(UUID workspaceId) {
        return jdbc.sql("SELECT " + SECRET_COLUMNS + " FROM secrets s WHERE s.workspace_id = :ws ORDER BY s.name")
                .param("ws", workspaceId).query(VaultStore::secret).list();
    }

    Optional<SecretView> find(UUID workspaceId, String name) {
        return jdbc.sql("SELECT " + SECRET_COLUMNS + " FROM secrets s WHERE s.workspace_id = :ws AND s.name = :name")
                .param("ws", workspaceId).param("name", name).query(VaultStore::secret).optional();
    }

    Optional<SecretView> lock(UUID workspaceId, String name) {
        return jdbc.sql("SELECT " + SECRET_COLUMNS + " FROM secrets s WHERE s.workspace_id = :ws AND s.name = :name FOR UPDATE")
                .param("ws", workspaceId).param("name", name).query(VaultStore::secret).optional();
    }

    Optional<Sealed> sealed(UUID workspaceId, String name) {
        return jdbc.sql("SELECT " + SEALED_COLUMNS + """
                 FROM secrets s JOIN vault_data_keys d ON d.workspace_id = s.workspace_id AND d.term = s.key_term
                WHERE s.workspace_id = :ws AND s.name = :name""")
                .param("ws", workspaceId).param("name", name).query(VaultStore::sealedRow).optional();
    }

    /** Values sealed under another term than {@code current}, locked; the caller holds the keyring lock. */
    List<Sealed> sealedUnderOlderTerms(UUID workspaceId, int current, int limit) {
        return jdbc.sql("SELECT " + SEALED_COLUMNS + """
                 FROM secrets s JOIN vault_data_keys d ON d.workspace_id = s.workspace_id AND d.term = s.key_term
                WHERE s.workspace_id = :ws AND s.key_term <> :current ORDER BY s.id LIMIT :limit FOR UPDATE OF s""")
                .param("ws", workspaceId).param("current", current).param("limit", limit)
                .query(VaultStore::sealedRow).list();
    }

    void insert(SecretView secret, byte[] sealed) {
        jdbc.sql("""
                INSERT INTO secrets (id, workspace_id, name, kind, version, key_term, sealed, created_at, created_by,
                                     updated_at, updated_by)
                VALUES (:id, :ws, :name, :kind, :version, :term, :sealed, :at, :by, :at, :by)""")
                .param("id", secret.id()).param("ws", secret.workspaceId()).param("name", secret.name())
                .param("kind", secret.kind().wire()).param("version", secret.version()).param("term", secret.keyTerm())
                .param("sealed", sealed).param("at", at(secret.createdAt())).param("by", secret.createdBy()).update();
    }

    void updateValue(UUID workspaceId, UUID id, long version, int term, byte[] sealed, UUID by, Instant at) {
        jdbc.sql("""
                UPDATE secrets SET version = :version, key_term = :term, sealed = :sealed, updated_at = :at,
                                   updated_by = :by, rotated_at = :at
                WHERE workspace_id = :ws AND id = :id""")
                .param("version", version).param("term", term).param("sealed", sealed).param("at", at(at))
                .param("by", by).param("ws", workspaceId).param("id", id).update();
    }

    /** Re-encryption moves a value to another term without changing its version (it is the same value). */
    boolean reseal(UUID workspaceId, UUID id, long version, int fromTerm, int term, byte[] sealed) {
        return jdbc.sql("""
                UPDATE secrets SET key_term = :term, sealed = :sealed
                WHERE workspace_id = :ws AND id = :id AND version = :version AND key_term = :from""")
                .param("term", term).param("sealed", sealed).param("ws", workspaceId).param("id", id)
                .param("version", version).param("from", fromTerm).update() == 1;
    }

    void delete(UUID workspaceId, UUID id) {
        jdbc.sql("DELETE FROM secrets WHERE workspace_id = :ws AND id = :id").param("ws", workspaceId).param("id", id)
                .update();
    }

    // --- rows --------------------------------------------------------------------------------------------------

    private static RootTerm rootTerm(ResultSet rs, int n) throws SQLException {
        return new RootTerm(rs.getInt("term"), rs.getString("source"), KdfParams.fromJson(rs.getString("kdf")),
                rs.getBytes("check_value"));
    }

    private static DataKeyRow dataKey(ResultSet rs, int n) throws SQLException {
        return new DataKeyRow(rs.getObject("workspace_id", UUID.class), rs.getInt("term"), rs.getInt("root_term"),
                rs.getBytes("wrapped"), rs.getLong("encryptions"));
    }

    private static SecretView secret(ResultSet rs, int n) throws SQLException {
        return new SecretView(rs.getObject("id", UUID.class), rs.getObject("workspace_id", UUID.class),
                rs.getString("name"), SecretKind.fromWire(rs.getString("kind")), rs.getLong("version"),
                rs.getInt("key_term"), instant(rs, "created_at"), rs.getObject("created_by", UUID.class),
                instant(rs, "updated_at"), rs.getObject("updated_by", UUID.class), instant(rs, "rotated_at"));
    }

    private static Sealed sealedRow(ResultSet rs, int n) throws SQLException {
        return new Sealed(rs.getObject("id", UUID.class), rs.getString("name"), SecretKind.fromWire(rs.getString("kind")),
                rs.getLong("version"), rs.getInt("key_term"), rs.getBytes("sealed"), rs.getInt("root_term"),
                rs.getBytes("wrapped"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime at(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
