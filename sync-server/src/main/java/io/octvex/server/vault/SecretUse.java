package io.octvex.server.vault;

import java.util.Map;
import java.util.UUID;

/**
 * Why a secret's material is being resolved, recorded in its {@code secret.accessed} audit event: the run and
 * step (when there is one), the principal the action runs for, the action, and what else the caller wants on
 * record (edge, lease). Never the value.
 */
public record SecretUse(UUID runId, UUID stepId, UUID principalId, String action, Map<String, String> detail) {
    public SecretUse {
        detail = detail == null ? Map.of() : Map.copyOf(detail);
    }
}
