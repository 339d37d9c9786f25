package io.octvex.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * What the server's database spent its time on over one phase, from pg_stat_statements (loaded only with
 * {@code --statements}): the statements by total execution time, with calls and rows, so a hot spot in
 * PostgreSQL's share of a run's CPU is named by its SQL.
 */
final class StatementStats {
    private static final int TOP = 25;
    private final DataSource db;

    private StatementStats(DataSource db) {
        this.db = db;
    }

    /** Creates the extension in {@code db}'s database and forgets what it counted so far. */
    static StatementStats reset(DataSource db) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            s.execute("SELECT pg_stat_statements_reset()");
        }
        return new StatementStats(db);
    }

    /**
     * The top statements since {@link #reset}, one per line, per run of {@code runs}, after a line with every
     * statement's total: buffers (shared blocks hit or read) and WAL bytes per run do not move with the machine's
     * load as times do, so they compare two builds.
     */
    String top(int runs) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            String mine = "dbid = (SELECT oid FROM pg_database WHERE datname = current_database())";
            try (ResultSet rs = s.executeQuery("""
                    SELECT sum(calls), sum(total_exec_time + total_plan_time), sum(shared_blks_hit + shared_blks_read),
                           sum(wal_records), sum(wal_bytes)
                    FROM pg_stat_statements WHERE %s""".formatted(mine))) {
                rs.next();
                out.append(String.format("all statements, per run: %.1f calls, %.3f ms, %.0f buffers, %.1f WAL records,"
                                + " %.0f WAL bytes%n%n", rs.getDouble(1) / runs, rs.getDouble(2) / runs,
                        rs.getDouble(3) / runs, rs.getDouble(4) / runs, rs.getDouble(5) / runs));
            }
            out.append(String.format("%9s %9s %8s %8s %9s %9s %8s %8s  %s%n", "calls", "total ms", "ms/call", "plan ms",
                    "rows", "ms/run", "blks/run", "wal/run", "statement"));
            try (ResultSet rs = s.executeQuery("""
                    SELECT calls, total_exec_time + total_plan_time, rows, regexp_replace(query, '\\s+', ' ', 'g'),
                           total_plan_time, shared_blks_hit + shared_blks_read, wal_bytes
                    FROM pg_stat_statements WHERE %s
                    ORDER BY total_exec_time + total_plan_time DESC LIMIT %d""".formatted(mine, TOP))) {
                while (rs.next()) {
                    long calls = rs.getLong(1);
                    double total = rs.getDouble(2);
                    String query = rs.getString(4);
                    out.append(String.format("%9d %9.0f %8.3f %8.0f %9d %9.3f %8.1f %8.0f  %s%n", calls, total,
                            total / Math.max(1, calls), rs.getDouble(5), rs.getLong(3), total / Math.max(1, runs),
                            rs.getDouble(6) / runs, rs.getDouble(7) / runs,
                            query.length() > 160 ? query.substring(0, 160) + "…" : query));
                }
            }
        }
        return out.toString();
    }
}
