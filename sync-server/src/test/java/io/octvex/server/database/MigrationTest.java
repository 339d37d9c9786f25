package io.octvex.server.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.OffsetDateTime;
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

    private static UUID workspace(String name) {
        UUID id = UUID.randomUUID();
        jdbc.sql("INSERT INTO workspaces (id, name, status, created_at, updated_at) VALUES (?, ?, 'active', ?, ?)")
                .params(id, name + "-" + id, OffsetDateTime.now(), OffsetDateTime.now()).update();
        return id;
    }
}
