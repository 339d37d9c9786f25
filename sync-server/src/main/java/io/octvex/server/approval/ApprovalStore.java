package io.octvex.server.approval;

import io.octvex.protocol.ApprovalStatus;
import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.Json;
import io.octvex.protocol.Role;
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
import tools.jackson.databind.JsonNode;

/**
 * Approvals and their votes (V050). Every statement names the workspace; the sweeper's two queries, which
 * span workspaces, only find rows to hand back to workspace-scoped calls.
 */
@Component
class ApprovalStore {
    private final JdbcClient jdbc;

    ApprovalStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** An approval row; {@code approvals} is the number of approving votes. */
    record Row(UUID id, UUID workspaceId, UUID runId, UUID stepId, ApprovalStatus status, String actionKey,
               JsonNode evidence, UUID requestedBy, Role approverRole, int quorum, int approvals,
               Instant requestedAt, Instant expiresAt, Instant decidedAt, String outcome, Instant grantUntil,
               boolean inStep) {}

    void insert(Row row) {
        jdbc.sql("""
                INSERT INTO approvals (id, workspace_id, run_id, step_id, status, action_key, evidence, requested_by,
                                       approver_role, quorum, requested_at, expires_at, in_step)
                VALUES (:id, :ws, :run, :step, 'pending', :key, CAST(:evidence AS jsonb), :by, :role, :quorum,
                        :at, :expires, :inStep)""")
                .param("inStep", row.inStep())
                .param("id", row.id()).param("ws", row.workspaceId()).param("run", row.runId())
                .param("step", row.stepId()).param("key", row.actionKey()).param("evidence", Json.write(row.evidence()))
                .param("by", row.requestedBy()).param("role", row.approverRole().wire()).param("quorum", row.quorum())
                .param("at", at(row.requestedAt())).param("expires", at(row.expiresAt())).update();
    }

    private static final String SELECT = """
            SELECT a.*, (SELECT count(*) FROM approval_votes v
                         WHERE v.workspace_id = a.workspace_id AND v.approval_id = a.id AND v.vote = 'approve')
                        AS approving
            FROM approvals a
            """;

    Optional<Row> find(UUID workspaceId, UUID id) {
        return jdbc.sql(SELECT + " WHERE a.workspace_id = :ws AND a.id = :id")
                .param("ws", workspaceId).param("id", id).query(ApprovalStore::row).optional();
    }

    /** Locks the approval's row: every decision on an approval takes this lock first, then the run's. */
    Optional<Row> lock(UUID workspaceId, UUID id) {
        Optional<UUID> locked = jdbc.sql("SELECT id FROM approvals WHERE workspace_id = :ws AND id = :id FOR UPDATE")
                .param("ws", workspaceId).param("id", id).query(UUID.class).optional();
        return locked.flatMap(x -> find(workspaceId, id));
    }

    List<Row> list(UUID workspaceId, ApprovalStatus status, UUID runId, int limit) {
        return jdbc.sql(SELECT + """
                 WHERE a.workspace_id = :ws
                   AND (CAST(:status AS text) IS NULL OR a.status = :status)
                   AND (CAST(:run AS uuid) IS NULL OR a.run_id = :run)
                 ORDER BY a.requested_at DESC, a.id DESC LIMIT :limit""")
                .param("ws", workspaceId).param("status", status == null ? null : status.wire())
                .param("run", runId).param("limit", limit).query(ApprovalStore::row).list();
    }

    List<ApprovalView.Vote> votes(UUID workspaceId, UUID approvalId) {
        return jdbc.sql("""
                SELECT v.*, p.name FROM approval_votes v JOIN principals p ON p.id = v.principal_id
                WHERE v.workspace_id = :ws AND v.approval_id = :id ORDER BY v.at, v.principal_id""")
                .param("ws", workspaceId).param("id", approvalId)
                .query((rs, n) -> new ApprovalView.Vote(rs.getObject("principal_id", UUID.class), rs.getString("name"),
                        rs.getString("vote"), rs.getString("reason"), (Integer) rs.getObject("grant_minutes"),
                        instant(rs, "at")))
                .list();
    }

    /** False when this principal has voted on the approval already (each approver counts once). */
    boolean vote(UUID workspaceId, UUID approvalId, UUID principalId, String vote, String reason,
                 Integer grantMinutes, Instant at) {
        return jdbc.sql("""
                INSERT INTO approval_votes (workspace_id, approval_id, principal_id, vote, reason, grant_minutes, at)
                VALUES (:ws, :id, :who, :vote, :reason, :grant, :at)
                ON CONFLICT (approval_id, principal_id) DO NOTHING""")
                .param("ws", workspaceId).param("id", approvalId).param("who", principalId).param("vote", vote)
                .param("reason", reason).param("grant", grantMinutes).param("at", at(at)).update() == 1;
    }

    /** The verified assertion behind an approving vote, next to it (V091). */
    void stepUp(UUID workspaceId, UUID approvalId, UUID principalId, StepUpProof proof) {
        jdbc.sql("""
                INSERT INTO approval_vote_step_ups (workspace_id, approval_id, principal_id, ceremony_id, credential_id,
                                                   evidence_hash, authenticator_data, client_data_json, signature)
                VALUES (:ws, :id, :who, :ceremony, :credential, :hash, :authData, :clientData, :signature)""")
                .param("ws", workspaceId).param("id", approvalId).param("who", principalId)
                .param("ceremony", proof.ceremonyId()).param("credential", proof.credentialId())
                .param("hash", proof.evidenceHash()).param("authData", proof.authenticatorData())
                .param("clientData", proof.clientDataJson()).param("signature", proof.signature()).update();
    }

    /** The shortest grant every approving vote asked for; null when any approving vote asked for none. */
    Integer agreedGrantMinutes(UUID workspaceId, UUID approvalId) {
        return jdbc.sql("""
                SELECT CASE WHEN bool_and(grant_minutes IS NOT NULL) THEN min(grant_minutes) END
                FROM approval_votes WHERE workspace_id = :ws AND approval_id = :id AND vote = 'approve'""")
                .param("ws", workspaceId).param("id", approvalId).query(Integer.class).optional().orElse(null);
    }

    /** Ends a pending approval; false when it was no longer pending. */
    boolean finish(UUID workspaceId, UUID id, ApprovalStatus status, String outcome, Instant grantUntil, Instant at) {
        return jdbc.sql("""
                UPDATE approvals SET status = :status, outcome = :outcome, grant_until = :grant, decided_at = :at,
                                     version = version + 1
                WHERE workspace_id = :ws AND id = :id AND status = 'pending'""")
                .param("status", status.wire()).param("outcome", outcome).param("grant", at(grantUntil))
                .param("at", at(at)).param("ws", workspaceId).param("id", id).update() == 1;
    }

    /**
     * An approval that lets this action through: approved for this very step, or a grant for the same action
     * in this run that still holds.
     */
    Optional<Row> covering(UUID workspaceId, UUID runId, UUID stepId, String actionKey, Instant now) {
        return jdbc.sql(SELECT + """
                 WHERE a.workspace_id = :ws AND a.run_id = :run AND a.action_key = :key AND a.status = 'approved'
                   AND (a.step_id = :step OR a.grant_until > :now)
                 ORDER BY a.decided_at DESC LIMIT 1""")
                .param("ws", workspaceId).param("run", runId).param("key", actionKey).param("step", stepId)
                .param("now", at(now)).query(ApprovalStore::row).optional();
    }

    /** A pending approval already waiting on this step (a step waits on at most one at a time). */
    Optional<Row> pendingFor(UUID workspaceId, UUID stepId) {
        return jdbc.sql(SELECT + " WHERE a.workspace_id = :ws AND a.step_id = :step AND a.status = 'pending'")
                .param("ws", workspaceId).param("step", stepId).query(ApprovalStore::row).optional();
    }

    record Due(UUID workspaceId, UUID id) {}

    /** Pending approvals past their expiry, or whose step no longer waits; locked, skipping those others hold. */
    List<Due> due(Instant now, int limit) {
        return jdbc.sql("""
                SELECT a.workspace_id, a.id FROM approvals a
                WHERE a.status = 'pending'
                  AND (a.expires_at <= :now OR NOT EXISTS (
                        SELECT 1 FROM steps s WHERE s.workspace_id = a.workspace_id AND s.id = a.step_id
                          AND s.status = 'blocked'))
                ORDER BY a.expires_at LIMIT :limit
                FOR UPDATE OF a SKIP LOCKED""")
                .param("now", at(now)).param("limit", limit)
                .query((rs, n) -> new Due(rs.getObject("workspace_id", UUID.class), rs.getObject("id", UUID.class)))
                .list();
    }

    private static Row row(ResultSet rs, int n) throws SQLException {
        return new Row(rs.getObject("id", UUID.class), rs.getObject("workspace_id", UUID.class),
                rs.getObject("run_id", UUID.class), rs.getObject("step_id", UUID.class),
                ApprovalStatus.fromWire(rs.getString("status")), rs.getString("action_key"),
                Json.tree(rs.getString("evidence")), rs.getObject("requested_by", UUID.class),
                Role.fromWire(rs.getString("approver_role")), rs.getInt("quorum"), rs.getInt("approving"),
                instant(rs, "requested_at"), instant(rs, "expires_at"), instant(rs, "decided_at"),
                rs.getString("outcome"), instant(rs, "grant_until"), rs.getBoolean("in_step"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime at(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
