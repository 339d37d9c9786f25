package io.octvex.server.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.octvex.server.OctvexProperties;
import java.nio.file.Path;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The data source: an external PostgreSQL when {@code octvex.database.url} is set, the embedded one
 * otherwise. Same migrations, same code either way.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

    @Bean(destroyMethod = "close")
    DatabaseServer databaseServer(OctvexProperties properties) {
        OctvexProperties.Database db = properties.database();
        if (db.external()) {
            return new DatabaseServer(new ConnectionSettings(db.url(), db.user(), db.password()), null);
        }
        EmbeddedDatabase embedded;
        if (db.embedded().ephemeral()) {
            embedded = EmbeddedDatabase.ephemeral();
        } else {
            Path dir = db.embedded().dataDirectory() != null ? db.embedded().dataDirectory()
                    : properties.home().resolve("pgdata");
            embedded = EmbeddedDatabase.persistent(dir.toAbsolutePath());
        }
        return new DatabaseServer(new ConnectionSettings(embedded.jdbcUrl(), "postgres", "postgres"), embedded);
    }

    @Bean
    ConnectionSettings connectionSettings(DatabaseServer server) {
        return server.settings();
    }

    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(ConnectionSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.url());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setPoolName("octvex");
        config.setMaximumPoolSize(20);
        // an empty or unreachable database should fail the start with its own message, at once
        config.setInitializationFailTimeout(10_000);
        // while PostgreSQL is down or restarting, a request waits at most this long for a connection, then is
        // answered 503 (DatabaseUnavailable) instead of hanging for Hikari's default 30 s
        config.setConnectionTimeout(5_000);
        config.addDataSourceProperty("ApplicationName", "octvex-server");
        // plan each statement for its own arguments (ADR 0035): a cached generic plan made while a table was
        // small (every fresh database) kept scanning it whole long after it had grown
        config.setConnectionInitSql("SET plan_cache_mode = force_custom_plan");
        return new HikariDataSource(config);
    }

    /** The database this server talks to, and the embedded server to stop with it when there is one. */
    record DatabaseServer(ConnectionSettings settings, EmbeddedDatabase embedded) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            if (embedded != null) {
                embedded.close();
            }
        }
    }
}
