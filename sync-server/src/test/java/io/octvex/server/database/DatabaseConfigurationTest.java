package io.octvex.server.database;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class DatabaseConfigurationTest {

    @Test
    void aPooledConnectionPlansEveryExecutionForItsOwnArguments() throws Exception {
        try (EmbeddedDatabase db = EmbeddedDatabase.ephemeral();
             HikariDataSource pool = new DatabaseConfiguration().dataSource(
                     new ConnectionSettings(db.jdbcUrl(), "postgres", "postgres"));
             Connection c = pool.getConnection();
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE grows (id int PRIMARY KEY, v text)");
            // executed often enough for the driver to prepare it on the server and PostgreSQL to consider its
            // generic plan (after five custom ones), which it would pick for a table this small
            try (PreparedStatement query = c.prepareStatement("SELECT v FROM grows WHERE id = ?")) {
                for (int i = 0; i < 20; i++) {
                    query.setInt(1, i);
                    query.executeQuery().close();
                }
            }
            try (ResultSet plans = s.executeQuery("SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                    + "WHERE statement = 'SELECT v FROM grows WHERE id = $1'")) {
                assertThat(plans.next()).as("the driver prepared the statement on the server").isTrue();
                assertThat(plans.getLong("generic_plans")).isZero();
                assertThat(plans.getLong("custom_plans")).isGreaterThanOrEqualTo(10);
            }
        }
    }
}
