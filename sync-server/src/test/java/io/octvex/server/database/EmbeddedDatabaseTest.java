package io.octvex.server.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatabaseTest {
    @TempDir
    Path home;

    @Test
    void dataSurvivesARestartAndASecondOwnerIsRefused() throws Exception {
        Path data = home.resolve("pgdata");
        try (EmbeddedDatabase db = EmbeddedDatabase.persistent(data)) {
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", "postgres")) {
                c.createStatement().execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
                ResultSet fsync = c.createStatement().executeQuery("SHOW fsync");
                fsync.next();
                assertThat(fsync.getString(1)).isEqualTo("on");
            }
            assertThatThrownBy(() -> EmbeddedDatabase.persistent(data))
                    .isInstanceOf(DataDirectoryInUseException.class)
                    .hasMessageContaining("Another Octvex server is already using the database in " + data);
        }
        try (EmbeddedDatabase again = EmbeddedDatabase.persistent(data);
             Connection c = DriverManager.getConnection(again.jdbcUrl(), "postgres", "postgres")) {
            ResultSet rs = c.createStatement().executeQuery("SELECT v FROM kept");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("still here");
        }
    }

    @Test
    void aDataDirectoryOfAnotherMajorIsExplained() throws Exception {
        Path data = Files.createDirectories(home.resolve("old"));
        Files.writeString(data.resolve("PG_VERSION"), "14\n");
        assertThatThrownBy(() -> EmbeddedDatabase.persistent(data))
                .hasMessageContaining("created by PostgreSQL 14")
                .hasMessageContaining("ships PostgreSQL " + EmbeddedDatabase.SHIPPED_MAJOR)
                .hasMessageContaining("pg_upgrade");
        // the refused start must not keep the directory locked: once fixed, it starts
        Files.delete(data.resolve("PG_VERSION"));
        try (EmbeddedDatabase fixed = EmbeddedDatabase.persistent(data)) {
            assertThat(fixed.jdbcUrl()).startsWith("jdbc:postgresql:");
        }
    }
}
