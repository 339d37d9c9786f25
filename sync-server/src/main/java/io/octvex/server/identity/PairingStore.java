package io.octvex.server.identity;

import static io.octvex.server.identity.Sql.at;
import static io.octvex.server.identity.Sql.instant;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The pairing_codes table, and the few questions about a user that pairing asks. */
@Component
class PairingStore {
    record Row(UUID id, byte[] codeHash, UUID principalId, Instant expiresAt, int failures, Instant usedAt,
               Instant burnedAt) {}

    /** A user a code may be made for: whether they are disabled and an instance admin. */
    record Target(UUID id, String name, boolean disabled, boolean instanceAdmin) {}

    private final JdbcClient jdbc;

    PairingStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Target> user(String name) {
        return jdbc.sql("SELECT id, name, disabled, instance_admin FROM principals WHERE kind = 'user' AND lower(name) = lower(:name)")
                .param("name", name).query(PairingStore::target).optional();
    }

    Optional<Target> user(UUID id) {
        return jdbc.sql("SELECT id, name, disabled, instance_admin FROM principals WHERE kind = 'user' AND id = :id")
                .param("id", id).query(PairingStore::target).optional();
    }

    /** True when the user is in a workspace other than {@code workspaceId}. */
    boolean memberElsewhere(UUID principalId, UUID workspaceId) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM memberships WHERE principal_id = :p AND workspace_id <> :w)")
                .param("p", principalId).param("w", workspaceId).query(Boolean.class).single();
    }

    /** True once the user has had any session (a login or a used pairing code). */
    boolean everSignedIn(UUID principalId) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM tokens WHERE principal_id = :p AND kind = 'session')")
                .param("p", principalId).query(Boolean.class).single();
    }

    boolean handleTaken(byte[] handleHash) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM pairing_codes WHERE handle_hash = :h)")
                .param("h", handleHash).query(Boolean.class).single();
    }

    /** Forgets codes that ended a day ago, so their handles can come round again. */
    void forgetOld(Instant before) {
        jdbc.sql("DELETE FROM pairing_codes WHERE expires_at < :before").param("before", at(before)).update();
    }

    void insert(UUID id, byte[] handleHash, byte[] codeHash, UUID principalId, UUID createdBy, Instant now,
                Instant expiresAt) {
        jdbc.sql("""
                INSERT INTO pairing_codes (id, handle_hash, code_hash, principal_id, created_by, created_at, expires_at)
                VALUES (:id, :handle, :code, :principal, :by, :now, :expires)""")
                .param("id", id).param("handle", handleHash).param("code", codeHash).param("principal", principalId)
                .param("by", createdBy).param("now", at(now)).param("expires", at(expiresAt)).update();
    }

    Optional<Row> lock(byte[] handleHash) {
        return jdbc.sql("""
                SELECT id, code_hash, principal_id, expires_at, failures, used_at, burned_at
                FROM pairing_codes WHERE handle_hash = :h FOR UPDATE""")
                .param("h", handleHash)
                .query((rs, n) -> new Row(rs.getObject("id", UUID.class), rs.getBytes("code_hash"),
                        rs.getObject("principal_id", UUID.class), instant(rs, "expires_at"), rs.getInt("failures"),
                        instant(rs, "used_at"), instant(rs, "burned_at")))
                .optional();
    }

    void recordFailure(UUID id, int failures, Instant burnedAt) {
        jdbc.sql("UPDATE pairing_codes SET failures = :f, burned_at = :burned WHERE id = :id")
                .param("f", failures).param("burned", at(burnedAt)).param("id", id).update();
    }

    void markUsed(UUID id, Instant now) {
        jdbc.sql("UPDATE pairing_codes SET used_at = :now WHERE id = :id").param("now", at(now)).param("id", id).update();
    }

    private static Target target(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Target(rs.getObject("id", UUID.class), rs.getString("name"), rs.getBoolean("disabled"),
                rs.getBoolean("instance_admin"));
    }
}
