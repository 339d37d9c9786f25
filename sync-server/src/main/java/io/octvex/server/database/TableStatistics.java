package io.octvex.server.database;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps the statistics of the tables the hot paths read close to their size (ADR 0044). A generic plan is
 * kept until the statistics of a table it reads change; one made while the table was nearly empty walks it
 * whole once it has grown (ADR 0035). Autovacuum analyses a table only on its next round (a minute apart) after
 * a tenth of its rows changed; this analyses a table as soon as it holds twice the rows its statistics counted,
 * which also makes every connection plan its statements again.
 */
@Component
class TableStatistics {
    private static final Logger log = LoggerFactory.getLogger(TableStatistics.class);
    /**
     * The tables the generic plans look rows up in. Not {@code events}: those plans only insert into it, and
     * analysing it cost 0.3 s each time it doubled (its readers plan for their arguments).
     */
    static final List<String> TABLES = List.of("runs", "steps");
    /** Rows a table may gain over twice its counted rows before it is analysed: small tables plan alike. */
    static final int SLACK = 1_000;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    TableStatistics(JdbcClient jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    @Scheduled(fixedDelayString = "${octvex.database.statistics-interval:PT2S}", initialDelayString = "PT2S")
    void scheduled() {
        try {
            analyseGrown(TABLES, SLACK);
        } catch (RuntimeException e) {
            log.debug("Table statistics not refreshed this time: {}", e.getMessage());
        }
    }

    /**
     * Analyses those of {@code tables} (names of this code's, never a caller's input) that hold more than twice
     * the rows their statistics counted, plus {@code slack}; answers their names.
     */
    List<String> analyseGrown(List<String> tables, int slack) {
        List<String> grown = jdbc.sql("""
                SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
                WHERE s.schemaname = current_schema() AND s.relname = ANY(:tables)
                  AND s.n_live_tup > 2 * greatest(c.reltuples, 0) + :slack
                ORDER BY s.relname""")
                .param("tables", tables.toArray(String[]::new)).param("slack", slack)
                .query(String.class).list();
        grown.forEach(this::analyse);
        return grown;
    }

    private void analyse(String table) {
        try {
            tx.executeWithoutResult(s -> {
                // a vacuum of the table holds the lock ANALYZE needs, and refreshes the counts itself
                jdbc.sql("SET LOCAL lock_timeout = '200ms'").update();
                jdbc.sql("ANALYZE " + table).update(); // a name from pg_stat_user_tables matching the list
            });
            log.debug("Analysed {}: it had outgrown its statistics", table);
        } catch (RuntimeException e) {
            log.debug("{} not analysed this time: {}", table, e.getMessage());
        }
    }
}
