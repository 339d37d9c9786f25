package io.octvex.server.credential;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Credential leases (V070); every statement names the workspace or the edge's workspaces. */
@Component
class CredentialLeaseStore {
    private final JdbcClient jdbc;

    CredentialLeaseStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(UUID id, UUID workspaceId, UUID runId, UUID stepId, UUID edgeId, long epoch, CredentialUse use,
                String action, Instant grantedAt, Instant expiresAt) {
        jdbc.sql("""
                INSERT INTO credential_leases (id, workspace_id, run_id, step_id, edge_id, epoch, secret_name, usage,
                                               header, field, action, granted_at, expires_at)
                VALUES (:id, :ws, :run, :step, :edge, :epoch, :secret, :usage, :header, :field, :action, :at,
                        :expires)""")
                .param("field", use.field())
                .param("id", id).param("ws", workspaceId).param("run", runId).param("step", stepId)
                .param("edge", edgeId).param("epoch", epoch).param("secret", use.secret()).param("usage", use.as())
                .param("header", use.header()).param("action", action).param("at", at(grantedAt))
                .param("expires", at(expiresAt)).update();
    }

    /**
     * A lease as a redemption sees it, locked, with what it needs to judge it: is its step still running (or
     * blocked) on this edge at this epoch, and who submitted the run.
     */
    record Redeemable(UUID id, UUID workspaceId, UUID runId, UUID stepId, UUID edgeId, long epoch, String secret,
                      String usage, String header, String field, String action, Instant expiresAt, Instant revokedAt,
                      String revokedReason, String stepStatus, Long stepEpoch, UUID stepEdge, UUID submittedBy) {}

    Optional<Redeemable> lock(Collection<UUID> workspaceIds, UUID stepId, UUID leaseId) {
        return jdbc.sql("""
                SELECT c.*, s.status AS step_status, s.lease_epoch AS step_epoch, s.edge_id AS step_edge,
                       r.created_by
                FROM credential_leases c
                JOIN steps s ON s.workspace_id = c.workspace_id AND s.id = c.step_id
                JOIN runs r ON r.workspace_id = c.workspace_id AND r.id = c.run_id
                WHERE c.id = :id AND c.step_id = :step AND c.workspace_id = ANY(:ws)
                FOR UPDATE OF c""")
                .param("id", leaseId).param("step", stepId).param("ws", workspaceIds.toArray(UUID[]::new))
                .query((rs, n) -> new Redeemable(rs.getObject("id", UUID.class), rs.getObject("workspace_id", UUID.class),
                        rs.getObject("run_id", UUID.class), rs.getObject("step_id", UUID.class),
                        rs.getObject("edge_id", UUID.class), rs.getLong("epoch"), rs.getString("secret_name"),
                        rs.getString("usage"), rs.getString("header"), rs.getString("field"), rs.getString("action"),
                        instant(rs.getTimestamp("expires_at")), instant(rs.getTimestamp("revoked_at")),
                        rs.getString("revoked_reason"), rs.getString("step_status"),
                        (Long) rs.getObject("step_epoch"), rs.getObject("step_edge", UUID.class),
                        rs.getObject("created_by", UUID.class)))
                .optional();
    }

    void redeemed(UUID workspaceId, UUID leaseId) {
        jdbc.sql("UPDATE credential_leases SET redeemed = redeemed + 1 WHERE workspace_id = :ws AND id = :id")
                .param("ws", workspaceId).param("id", leaseId).update();
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime at(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
