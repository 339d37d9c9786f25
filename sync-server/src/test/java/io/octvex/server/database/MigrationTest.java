package io.octvex.server.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/** The migrations on a database of their own: empty at first, then migrated twice. */
class MigrationTest {
    static EmbeddedPostgres postgres;
    static JdbcClient jdbc;
    static MigrateResult first;
    static MigrateResult second;

    @BeforeAll
    static void migrateTwice() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        Flyway flyway = Flyway.configure().dataSource(postgres.getPostgresDatabase())
                .locations("classpath:db/migration").load();
        first = flyway.migrate();
        second = flyway.migrate();
        flyway.validate();
        jdbc = JdbcClient.create(new SingleConnectionDataSource(postgres.getJdbcUrl("postgres", "postgres"),
                "postgres", "postgres", true));
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    @Test
    void applyOnAnEmptyDatabaseAndReapplyAsANoOp() {
        assertThat(first.migrationsExecuted).isPositive();
        assertThat(first.success).isTrue();
        assertThat(second.migrationsExecuted).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' "
                + "AND table_name IN ('workspaces','principals','memberships','tokens','runs','steps','events','event_heads')")
                .query(Long.class).single()).isEqualTo(8);
    }

    @Test
    void theDatabaseRefusesAStepThatPointsAtAnotherWorkspacesRun() {
        UUID a = workspace("a");
        UUID b = workspace("b");
        UUID user = UUID.randomUUID();
        jdbc.sql("INSERT INTO principals (id, kind, name, created_at) VALUES (?, 'user', ?, now())")
                .params(user, "u-" + user).update();
        UUID run = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO runs (id, workspace_id, root_id, status, title, spec, created_by, created_at, updated_at)
                VALUES (?, ?, ?, 'queued', 't', '{}', ?, now(), now())""").params(run, a, run, user).update();

        assertThatThrownBy(() -> jdbc.sql("""
                INSERT INTO steps (id, workspace_id, run_id, key, position, handler, action, input, depends_on, status,
                                   created_at, updated_at)
                VALUES (?, ?, ?, 's', 0, 'http', 'x', '{}', '{}', 'pending', now(), now())""")
                .params(UUID.randomUUID(), b, run).update())
                .isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("foreign key");
    }

    @Test
    void statusesOutsideTheStateMachineAreRefused() {
        UUID ws = workspace("c");
        assertThatThrownBy(() -> jdbc.sql("UPDATE workspaces SET status = 'deleted' WHERE id = ?").param(ws).update())
                .isInstanceOf(DataIntegrityViolationException.class);
    }

    @Test
    void anUpgradeToWorkspaceKeyedRunsAndStepsKeepsTheirRowsAndTheirGuards() throws Exception {
        try (var admin = postgres.getPostgresDatabase().getConnection()) {
            admin.createStatement().execute("CREATE DATABASE upgrade");
        }
        var database = postgres.getDatabase("postgres", "upgrade");
        Flyway.configure().dataSource(database).locations("classpath:db/migration").target("112").load().migrate();
        JdbcClient old = JdbcClient.create(database);
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        for (UUID ws : List.of(a, b)) {
            old.sql("INSERT INTO workspaces (id, name, status, created_at, updated_at) VALUES (?, ?, 'active', now(), now())")
                    .params(ws, "w-" + ws).update();
        }
        UUID user = UUID.randomUUID();
        old.sql("INSERT INTO principals (id, kind, name, created_at) VALUES (?, 'user', 'u', now())").param(user).update();
        UUID run = UUID.randomUUID();
        UUID step = UUID.randomUUID();
        old.sql("""
                INSERT INTO runs (id, workspace_id, root_id, status, title, spec, created_by, created_at, updated_at)
                VALUES (?, ?, ?, 'queued', 't', '{}', ?, now(), now())""").params(run, a, run, user).update();
        old.sql("""
                INSERT INTO steps (id, workspace_id, run_id, key, position, handler, action, input, depends_on, status,
                                   created_at, updated_at)
                VALUES (?, ?, ?, 's', 0, 'http', 'x', '{}', '{}', 'queued', now(), now())""")
                .params(step, a, run).update();

        MigrateResult upgrade = Flyway.configure().dataSource(database).locations("classpath:db/migration").load()
                .migrate();

        assertThat(upgrade.migrationsExecuted).isPositive();
        JdbcClient now = JdbcClient.create(database);
        assertThat(now.sql("SELECT status FROM steps WHERE workspace_id = ? AND id = ? AND run_id = ?")
                .params(a, step, run).query(String.class).single()).isEqualTo("queued");
        // the keys every foreign key and every query use; no index reaches a run or step by its id alone
        assertThat(now.sql("""
                SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM pg_index i
                CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                WHERE i.indrelid = CAST(? AS regclass) AND i.indisprimary GROUP BY i.indexrelid""")
                .param("steps").query(String.class).single()).isEqualTo("workspace_id,id");
        assertThat(now.sql("""
                SELECT count(*) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                WHERE i.indrelid IN ('runs'::regclass, 'steps'::regclass) AND a.attname = 'id'""")
                .query(Long.class).single()).isZero();
        String newStep = """
                INSERT INTO steps (id, workspace_id, run_id, key, position, handler, action, input, depends_on, status,
                                   created_at, updated_at)
                VALUES (?, ?, ?, ?, 1, 'http', 'x', '{}', '{}', 'pending', now(), now())""";
        assertThatThrownBy(() -> now.sql(newStep).params(UUID.randomUUID(), b, run, "t").update())
                .isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("foreign key");
        assertThatThrownBy(() -> now.sql(newStep).params(UUID.randomUUID(), a, run, "s").update())
                .isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("steps_run_key");
        assertThatThrownBy(() -> now.sql("""
                INSERT INTO approvals (id, workspace_id, run_id, step_id, status, action_key, evidence, requested_by,
                                       approver_role, quorum, requested_at, expires_at)
                VALUES (?, ?, ?, ?, 'pending', 'k', '{}', ?, 'approver', 1, now(), now() + interval '1 hour')""")
                .params(UUID.randomUUID(), b, run, step, user).update())
                .isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("foreign key");
    }

    private static UUID workspace(String name) {
        UUID id = UUID.randomUUID();
        jdbc.sql("INSERT INTO workspaces (id, name, status, created_at, updated_at) VALUES (?, ?, 'active', ?, ?)")
                .params(id, name + "-" + id, OffsetDateTime.now(), OffsetDateTime.now()).update();
        return id;
    }
}
