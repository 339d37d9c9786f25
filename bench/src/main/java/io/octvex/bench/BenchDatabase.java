package io.octvex.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The one PostgreSQL every measurement shares: the server's own embedded binaries (zonky, the version the
 * server ships), started with the durability settings the server sets for its persistent database (fsync,
 * synchronous commit and full-page writes on; zonky turns them off by default). The server gets database
 * {@code octvex} through {@code OCTVEX_DATABASE_URL}; the baselines share database {@code baseline}.
 */
final class BenchDatabase implements AutoCloseable {
    static final String USER = "postgres";
    static final String PASSWORD = "postgres";

    private final EmbeddedPostgres postgres;

    private BenchDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** Starts PostgreSQL; with {@code statements}, it loads pg_stat_statements (see {@link StatementStats}). */
    static BenchDatabase start(Path dataDirectory, boolean statements) throws IOException, SQLException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (statements) {
            builder.setServerConfig("shared_preload_libraries", "pg_stat_statements");
        }
        // profiling aid: extra server settings, e.g. auto_explain (OCTVEX_BENCH_PG_CONFIG="name=value;name=value")
        String extra = System.getenv().getOrDefault("OCTVEX_BENCH_PG_CONFIG", "");
        for (String setting : extra.split(";")) {
            if (setting.isBlank()) {
                continue;
            }
            int eq = setting.indexOf('=');
            if (eq <= 0) { // said, not skipped: a profiling run without the setting it was started for is wasted
                throw new IllegalArgumentException("OCTVEX_BENCH_PG_CONFIG: '" + setting.strip()
                        + "' is not name=value; separate settings with ';'");
            }
            builder.setServerConfig(setting.substring(0, eq).strip(), setting.substring(eq + 1).strip());
        }
        EmbeddedPostgres postgres = builder
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(true)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("max_connections", "200")
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
        BenchDatabase db = new BenchDatabase(postgres);
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE octvex");
            s.execute("CREATE DATABASE baseline");
            s.execute("CREATE DATABASE octvex_training"); // the server that records the AOT cache
        }
        return db;
    }

    String jdbcUrl(String database) {
        return postgres.getJdbcUrl(USER, database);
    }

    int port() {
        return postgres.getPort();
    }

    HikariDataSource pool(String database, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl(database));
        config.setUsername(USER);
        config.setPassword(PASSWORD);
        config.setMaximumPoolSize(size);
        config.setPoolName("bench-" + database);
        return new HikariDataSource(config);
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
