package io.octvex.server.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.transaction.support.TransactionSynchronization;
import tools.jackson.databind.JsonNode;

/**
 * The events one transaction appended, written by {@link AuditLog#write} just before it commits. Workspaces
 * are written in id order, so two transactions that touch the same chain heads lock them in the same order;
 * heads are the last locks any transaction takes.
 */
final class PendingAppends implements TransactionSynchronization {
    /** An appended event: its data, and the data's canonical text (what is hashed and stored). */
    record Entry(AuditEntry entry, JsonNode data, String text) {}

    private final AuditLog log;
    private final Map<UUID, List<Entry>> byWorkspace = new TreeMap<>();

    PendingAppends(AuditLog log) {
        this.log = log;
    }

    AuditLog log() {
        return log;
    }

    void add(UUID workspaceId, AuditEntry entry, JsonNode data, String text) {
        byWorkspace.computeIfAbsent(workspaceId, ws -> new ArrayList<>()).add(new Entry(entry, data, text));
    }

    @Override
    public void beforeCommit(boolean readOnly) {
        byWorkspace.forEach(log::write);
        byWorkspace.clear();
    }
}
