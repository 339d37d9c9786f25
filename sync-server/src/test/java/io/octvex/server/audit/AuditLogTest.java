package io.octvex.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.octvex.protocol.ChainReport;
import io.octvex.protocol.EventView;
import io.octvex.server.ServerTest;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionTemplate;

@ServerTest
class AuditLogTest {
    @Autowired
    AuditLog auditLog;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TransactionTemplate tx;

    UUID workspace;

    @BeforeEach
    void newWorkspace() {
        workspace = UUID.randomUUID();
        jdbc.sql("INSERT INTO workspaces (id, name, status, created_at, updated_at) VALUES (?, ?, 'active', ?, ?)")
                .params(workspace, "audit-" + workspace, OffsetDateTime.now(), OffsetDateTime.now()).update();
    }

    /** Appends in a transaction of its own; answers the last event of the log once it committed. */
    private EventView append(String type, Map<String, ?> data) {
        tx.executeWithoutResult(s -> auditLog.append(workspace, AuditEntry.of(type, null, data)));
        return auditLog.page(workspace, 0, 1000).events().getLast();
    }

    @Test
    void appendOutsideATransactionIsRefused() {
        assertThatThrownBy(() -> auditLog.append(workspace, AuditEntry.of("test.event", null, Map.of())))
                .isInstanceOf(IllegalTransactionStateException.class);
        assertThat(auditLog.page(workspace, 0, 10).events()).isEmpty();
    }

    @Test
    void appendsFormAGaplessChainThatVerifies() {
        EventView first = append("test.first", Map.of("n", 1));
        EventView second = append("test.second", Map.of("n", 2, "nested", Map.of("b", "x", "a", List.of(1, 2))));

        assertThat(first.seq()).isEqualTo(1);
        assertThat(first.prevHash()).isEqualTo(AuditLog.GENESIS);
        assertThat(second.seq()).isEqualTo(2);
        assertThat(second.prevHash()).isEqualTo(first.hash());
        assertThat(auditLog.page(workspace, 0, 10).events()).extracting(EventView::hash)
                .containsExactly(first.hash(), second.hash());
        ChainReport report = auditLog.verify(workspace);
        assertThat(report.intact()).isTrue();
        assertThat(report.checked()).isEqualTo(2);
    }

    @Test
    void theEventsOfATransactionAreWrittenWhenItCommitsInTheOrderAppended() {
        tx.executeWithoutResult(s -> {
            auditLog.append(workspace, AuditEntry.of("test.first", null, Map.of("n", 1)));
            auditLog.append(workspace, AuditEntry.of("test.second", null, Map.of("n", 2)));
            assertThat(auditLog.page(workspace, 0, 10).events()).isEmpty(); // the chain head is not locked yet
        });
        assertThat(auditLog.page(workspace, 0, 10).events()).extracting(EventView::type, EventView::seq)
                .containsExactly(tuple("test.first", 1L), tuple("test.second", 2L));
        assertThat(auditLog.verify(workspace).intact()).isTrue();
    }

    @Test
    void aRolledBackTransactionLeavesNoEvent() {
        tx.executeWithoutResult(s -> {
            auditLog.append(workspace, AuditEntry.of("test.undone", null, Map.of()));
            s.setRollbackOnly();
        });
        assertThat(auditLog.page(workspace, 0, 10).events()).isEmpty();
    }

    @Test
    void theDatabaseRefusesUpdatesAndDeletes() {
        append("test.event", Map.of("n", 1));
        assertThatThrownBy(() -> jdbc.sql("UPDATE events SET type = 'test.changed' WHERE workspace_id = ?")
                .param(workspace).update()).hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("DELETE FROM events WHERE workspace_id = ?").param(workspace).update())
                .hasMessageContaining("append-only");
    }

    @Test
    void verificationFindsTheFirstAlteredRow() {
        for (int i = 1; i <= 5; i++) {
            append("test.event", Map.of("n", i));
        }
        tamper("UPDATE events SET data = '{\"n\": 99}' WHERE workspace_id = ? AND seq = 3");

        ChainReport report = auditLog.verify(workspace);
        assertThat(report.intact()).isFalse();
        assertThat(report.brokenAtSeq()).isEqualTo(3);
        assertThat(report.checked()).isEqualTo(2);
        assertThat(report.reason()).contains("altered");
    }

    @Test
    void verificationFindsARecomputedRowByItsBrokenLink() {
        for (int i = 1; i <= 4; i++) {
            append("test.event", Map.of("n", i));
        }
        // an attacker who rewrites a row's hash too still breaks the next row's link
        tamper("UPDATE events SET hash = repeat('a', 64) WHERE workspace_id = ? AND seq = 2");
        ChainReport report = auditLog.verify(workspace);
        assertThat(report.intact()).isFalse();
        assertThat(report.brokenAtSeq()).isEqualTo(2);
    }

    @Test
    void verificationFindsRemovedRows() {
        for (int i = 1; i <= 4; i++) {
            append("test.event", Map.of("n", i));
        }
        tamper("DELETE FROM events WHERE workspace_id = ? AND seq = 4");
        ChainReport tail = auditLog.verify(workspace);
        assertThat(tail.intact()).isFalse();
        assertThat(tail.reason()).contains("removed");

        tamper("DELETE FROM events WHERE workspace_id = ? AND seq = 2");
        ChainReport middle = auditLog.verify(workspace);
        assertThat(middle.brokenAtSeq()).isEqualTo(2);
        assertThat(middle.reason()).contains("missing");
    }

    @Test
    void concurrentAppendsStayGaplessAndChained() throws Exception {
        int threads = 4;
        int each = 25;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        append("test.concurrent", Map.of("thread", thread, "i", i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        List<EventView> events = auditLog.page(workspace, 0, 1000).events();
        assertThat(events).extracting(EventView::seq)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, threads * each).boxed().toList());
        assertThat(auditLog.verify(workspace).intact()).isTrue();
    }

    @Test
    void aFailedAppendRollsBackTheChangeItDescribes() {
        String before = jdbc.sql("SELECT name FROM workspaces WHERE id = ?").param(workspace).query(String.class).single();
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> {
            jdbc.sql("UPDATE workspaces SET name = 'renamed' WHERE id = ?").param(workspace).update();
            // a type the log's constraint refuses: the append fails inside the change's transaction
            auditLog.append(workspace, AuditEntry.of("Not A Valid Type", null, Map.of()));
        })).isInstanceOf(RuntimeException.class);

        assertThat(jdbc.sql("SELECT name FROM workspaces WHERE id = ?").param(workspace).query(String.class).single())
                .isEqualTo(before);
        assertThat(auditLog.page(workspace, 0, 10).events()).isEmpty();
    }

    @Test
    void anAppendToAWorkspaceThatDoesNotExistIsRefusedAndWritesNothing() {
        // the chain head references workspaces: the one check per append that V110 leaves
        UUID nowhere = UUID.randomUUID();
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> {
            jdbc.sql("UPDATE workspaces SET name = 'renamed' WHERE id = ?").param(workspace).update();
            auditLog.append(nowhere, AuditEntry.of("test.orphan", null, Map.of()));
        })).isInstanceOf(RuntimeException.class);

        assertThat(jdbc.sql("SELECT count(*) FROM events WHERE workspace_id = ?").param(nowhere).query(Long.class)
                .single()).isZero();
        assertThat(jdbc.sql("SELECT name FROM workspaces WHERE id = ?").param(workspace).query(String.class).single())
                .isEqualTo("audit-" + workspace);
    }

    @Test
    void timestampsSurviveANonUtcSessionTimeZone() {
        // the event is written at commit, still inside the transaction whose session zone is not UTC
        Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);
        tx.executeWithoutResult(s -> {
            jdbc.sql("SET LOCAL TIME ZONE 'America/St_Johns'").update();
            auditLog.append(workspace, AuditEntry.of("test.zone", null, Map.of()));
        });
        assertThat(auditLog.page(workspace, 0, 1).events().getFirst().at()).isBetween(before, Instant.now());
        assertThat(auditLog.verify(workspace).intact()).isTrue(); // the hash covers the time as written
    }

    private void tamper(String sql) {
        tx.executeWithoutResult(s -> {
            jdbc.sql("ALTER TABLE events DISABLE TRIGGER events_append_only").update();
            jdbc.sql(sql).param(workspace).update();
            jdbc.sql("ALTER TABLE events ENABLE TRIGGER events_append_only").update();
        });
    }
}
