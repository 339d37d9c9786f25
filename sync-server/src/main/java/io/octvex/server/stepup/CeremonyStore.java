package io.octvex.server.stepup;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Security keys and ceremonies (V091). Credentials and registrations belong to a principal (every statement
 * names it); a step-up ceremony also names its workspace and approval.
 */
@Component
class CeremonyStore {
    private final JdbcClient jdbc;

    CeremonyStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Ceremony(UUID id, String kind, UUID principalId, UUID workspaceId, UUID approvalId, String decision,
                    String reason, Integer grantMinutes, String evidenceHash, byte[] nonce, byte[] challenge,
                    String label, Instant createdAt, Instant expiresAt, Instant usedAt, UUID keyId, boolean proven) {
        static final String REGISTRATION = "registration";
        static final String STEP_UP = "step_up";
        static final String KEY_MANAGEMENT = "key_management";
    }

    record Credential(UUID id, UUID principalId, String credentialId, UUID aaguid, byte[] coseKey, long signCount,
                      boolean uvInitialized, boolean backupEligible, boolean backupState, String label,
                      Instant createdAt, Instant lastUsedAt) {}

    void insert(Ceremony c, byte[] ticketHash) {
        jdbc.sql("""
                INSERT INTO webauthn_ceremonies (id, kind, principal_id, workspace_id, approval_id, decision, reason,
                        grant_minutes, evidence_hash, nonce, challenge, label, ticket_hash, created_at, expires_at,
                        key_id, proven)
                VALUES (:id, :kind, :who, :ws, :approval, :decision, :reason, :grant, :hash, :nonce, :challenge,
                        :label, :ticket, :at, :expires, :key, :proven)""")
                .param("id", c.id()).param("kind", c.kind()).param("who", c.principalId())
                .param("ws", c.workspaceId()).param("approval", c.approvalId()).param("decision", c.decision())
                .param("reason", c.reason()).param("grant", c.grantMinutes()).param("hash", c.evidenceHash())
                .param("nonce", c.nonce()).param("challenge", c.challenge()).param("label", c.label())
                .param("ticket", ticketHash).param("at", at(c.createdAt())).param("expires", at(c.expiresAt()))
                .param("key", c.keyId()).param("proven", c.proven()).update();
    }

    Optional<Ceremony> byTicket(byte[] ticketHash) {
        return jdbc.sql("SELECT * FROM webauthn_ceremonies WHERE ticket_hash = :t").param("t", ticketHash)
                .query(CeremonyStore::ceremony).optional();
    }

    /** The name a browser shows for the account a key is registered to. */
    String principalName(UUID principalId) {
        return jdbc.sql("SELECT name FROM principals WHERE id = :id").param("id", principalId).query(String.class)
                .optional().orElse("octvex");
    }

    Optional<Ceremony> find(UUID id) {
        return jdbc.sql("SELECT * FROM webauthn_ceremonies WHERE id = :id").param("id", id)
                .query(CeremonyStore::ceremony).optional();
    }

    /** Locks a ceremony so that two answers to one challenge are serialised and only the first counts. */
    Optional<Ceremony> lock(UUID id) {
        return jdbc.sql("SELECT * FROM webauthn_ceremonies WHERE id = :id FOR UPDATE").param("id", id)
                .query(CeremonyStore::ceremony).optional();
    }

    /** Spends a challenge; false when it was spent already. */
    boolean spend(UUID id, Instant at) {
        return jdbc.sql("UPDATE webauthn_ceremonies SET used_at = :at WHERE id = :id AND used_at IS NULL")
                .param("at", at(at)).param("id", id).update() == 1;
    }

    /**
     * Locks the principal, so that the checks "has no key yet" and "has this key" hold until the change that
     * depends on them commits (two first registrations, or a registration racing a removal, are serialised).
     */
    void lockPrincipal(UUID principalId) {
        jdbc.sql("SELECT id FROM principals WHERE id = :id FOR UPDATE").param("id", principalId).query(UUID.class)
                .optional();
    }

    boolean principalExists(UUID principalId) {
        return jdbc.sql("SELECT count(*) FROM principals WHERE id = :id").param("id", principalId)
                .query(Long.class).single() > 0;
    }

    /** Spends every open ceremony of a principal: after a reset, nothing started before it may finish. */
    int spendOpen(UUID principalId, Instant at) {
        return jdbc.sql("UPDATE webauthn_ceremonies SET used_at = :at WHERE principal_id = :who AND used_at IS NULL")
                .param("at", at(at)).param("who", principalId).update();
    }

    int deleteAll(UUID principalId) {
        return jdbc.sql("DELETE FROM webauthn_credentials WHERE principal_id = :who").param("who", principalId)
                .update();
    }

    /**
     * Deletes up to {@code limit} ceremonies that expired before {@code cutoff}, except those a step-up vote
     * keeps as its proof. Replicas sweeping at once skip each other's rows.
     */
    int sweep(Instant cutoff, int limit) {
        return jdbc.sql("""
                DELETE FROM webauthn_ceremonies WHERE id IN (
                    SELECT c.id FROM webauthn_ceremonies c
                    WHERE c.expires_at < :cutoff
                      AND NOT EXISTS (SELECT 1 FROM approval_vote_step_ups s WHERE s.ceremony_id = c.id)
                    ORDER BY c.expires_at LIMIT :limit FOR UPDATE SKIP LOCKED)""")
                .param("cutoff", at(cutoff)).param("limit", limit).update();
    }

    void insert(Credential c) {
        jdbc.sql("""
                INSERT INTO webauthn_credentials (id, principal_id, credential_id, aaguid, cose_key, sign_count,
                        uv_initialized, backup_eligible, backup_state, label, created_at)
                VALUES (:id, :who, :cid, :aaguid, :key, :count, :uv, :be, :bs, :label, :at)""")
                .param("id", c.id()).param("who", c.principalId()).param("cid", c.credentialId())
                .param("aaguid", c.aaguid()).param("key", c.coseKey()).param("count", c.signCount())
                .param("uv", c.uvInitialized()).param("be", c.backupEligible()).param("bs", c.backupState())
                .param("label", c.label()).param("at", at(c.createdAt())).update();
    }

    boolean credentialExists(String credentialId) {
        return jdbc.sql("SELECT count(*) FROM webauthn_credentials WHERE credential_id = :c")
                .param("c", credentialId).query(Long.class).single() > 0;
    }

    List<Credential> credentials(UUID principalId) {
        return jdbc.sql("SELECT * FROM webauthn_credentials WHERE principal_id = :who ORDER BY created_at, id")
                .param("who", principalId).query(CeremonyStore::credential).list();
    }

    Optional<Credential> credential(UUID principalId, String credentialId) {
        return jdbc.sql("SELECT * FROM webauthn_credentials WHERE principal_id = :who AND credential_id = :c")
                .param("who", principalId).param("c", credentialId).query(CeremonyStore::credential).optional();
    }

    boolean delete(UUID principalId, UUID id) {
        return jdbc.sql("DELETE FROM webauthn_credentials WHERE principal_id = :who AND id = :id")
                .param("who", principalId).param("id", id).update() == 1;
    }

    void used(UUID principalId, UUID id, long signCount, Instant at) {
        jdbc.sql("UPDATE webauthn_credentials SET sign_count = :count, last_used_at = :at WHERE principal_id = :who AND id = :id")
                .param("count", signCount).param("at", at(at)).param("who", principalId).param("id", id).update();
    }

    private static Ceremony ceremony(ResultSet rs, int n) throws SQLException {
        return new Ceremony(rs.getObject("id", UUID.class), rs.getString("kind"),
                rs.getObject("principal_id", UUID.class), rs.getObject("workspace_id", UUID.class),
                rs.getObject("approval_id", UUID.class), rs.getString("decision"), rs.getString("reason"),
                (Integer) rs.getObject("grant_minutes"), rs.getString("evidence_hash"), rs.getBytes("nonce"),
                rs.getBytes("challenge"), rs.getString("label"), instant(rs, "created_at"),
                instant(rs, "expires_at"), instant(rs, "used_at"), rs.getObject("key_id", UUID.class),
                rs.getBoolean("proven"));
    }

    private static Credential credential(ResultSet rs, int n) throws SQLException {
        return new Credential(rs.getObject("id", UUID.class), rs.getObject("principal_id", UUID.class),
                rs.getString("credential_id"), rs.getObject("aaguid", UUID.class), rs.getBytes("cose_key"),
                rs.getLong("sign_count"), rs.getBoolean("uv_initialized"), rs.getBoolean("backup_eligible"),
                rs.getBoolean("backup_state"), rs.getString("label"), instant(rs, "created_at"),
                instant(rs, "last_used_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime at(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
