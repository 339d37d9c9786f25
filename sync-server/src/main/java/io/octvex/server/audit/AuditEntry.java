package io.octvex.server.audit;

import java.util.Map;
import java.util.UUID;

/**
 * What happened, to be appended to a workspace's log. {@code type} is dotted lower case
 * ({@code run.transitioned}, {@code token.created}); {@code data} must never hold a secret value.
 */
public record AuditEntry(String type, UUID runId, UUID stepId, UUID principalId, Map<String, ?> data) {

    public static AuditEntry of(String type, UUID principalId, Map<String, ?> data) {
        return new AuditEntry(type, null, null, principalId, data);
    }

    public static AuditEntry ofRun(String type, UUID runId, UUID stepId, UUID principalId, Map<String, ?> data) {
        return new AuditEntry(type, runId, stepId, principalId, data);
    }
}
