package io.octvex.server.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.octvex.server.ServerTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** A table that outgrew its statistics is analysed at once, not on autovacuum's next round. */
@ServerTest
class TableStatisticsTest {
    private static final List<String> PROBE = List.of("statistics_probe");

    @Autowired JdbcClient jdbc;
    @Autowired TableStatistics statistics;

    @BeforeEach
    void createProbe() {
        // autovacuum left off for it, so only the code under test can analyse it
        jdbc.sql("CREATE TABLE statistics_probe (n int) WITH (autovacuum_enabled = false)").update();
        jdbc.sql("INSERT INTO statistics_probe SELECT generate_series(1, 100)").update();
        awaitCounted(100); // reported after the ANALYZE, those inserts would be counted twice
        jdbc.sql("ANALYZE statistics_probe").update();
    }

    @AfterEach
    void dropProbe() {
        jdbc.sql("DROP TABLE statistics_probe").update();
    }

    @Test
    void aTableTwiceTheSizeItsStatisticsCountedIsAnalysed() {
        jdbc.sql("INSERT INTO statistics_probe SELECT generate_series(1, 150)").update();
        // 250 rows against 100 counted, but within the slack: left alone
        awaitCounted(250);
        assertThat(statistics.analyseGrown(PROBE, 100)).isEmpty();
        assertThat(countedRows()).isEqualTo(100);

        jdbc.sql("INSERT INTO statistics_probe SELECT generate_series(1, 1000)").update();
        awaitCounted(1250);
        assertThat(statistics.analyseGrown(PROBE, 100)).containsExactly("statistics_probe");
        assertThat(countedRows()).isEqualTo(1250);
        // counted again: nothing to do until it doubles once more
        assertThat(statistics.analyseGrown(PROBE, 100)).isEmpty();
    }

    /** Waits until the statistics system has this table's inserts (backends report them within a second or so). */
    private void awaitCounted(long liveRows) {
        await().atMost(Duration.ofSeconds(15)).until(() -> jdbc.sql(
                "SELECT n_live_tup FROM pg_stat_user_tables WHERE relname = 'statistics_probe'")
                .query(Long.class).single() >= liveRows);
    }

    private long countedRows() {
        return jdbc.sql("SELECT CAST(reltuples AS bigint) FROM pg_class WHERE relname = 'statistics_probe'")
                .query(Long.class).single();
    }
}
