package io.octvex.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Samples what the server's database sessions are doing (pg_stat_activity) every {@value #PERIOD_MILLIS} ms
 * while a phase runs, as was first done by hand with psql: a busy session is counted under its wait event
 * (for a lock wait, with the relation and the start of the last statement of the session it waits behind,
 * so a queue on one row is named), as running on a CPU, or as idle in a transaction (the server between
 * two statements, its locks held).
 */
final class WaitSampler implements AutoCloseable {
    static final int PERIOD_MILLIS = 20;
    private static final String QUERY = """
            SELECT CASE
                     WHEN a.state = 'idle in transaction' THEN 'idle in transaction'
                     WHEN a.wait_event IS NULL THEN 'on CPU (no wait event)'
                     WHEN a.wait_event_type = 'Lock' THEN 'Lock:' || a.wait_event || coalesce(' on ' || (
                         SELECT l.relation::regclass::text FROM pg_locks l
                         WHERE l.pid = a.pid AND NOT l.granted AND l.relation IS NOT NULL LIMIT 1), '')
                         || coalesce(' behind `' || (
                         SELECT left(regexp_replace(b.query, '\\s+', ' ', 'g'), 40) FROM pg_stat_activity b
                         WHERE b.pid = (pg_blocking_pids(a.pid))[1]) || '…`', '')
                     ELSE a.wait_event_type || ':' || a.wait_event END AS what
            FROM pg_stat_activity a
            WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
              AND a.backend_type = 'client backend' AND a.state <> 'idle'
              AND a.query NOT LIKE 'LISTEN%'""";

    private final Map<String, Integer> counts = new TreeMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private int samples;

    private WaitSampler(DataSource db) {
        thread = Thread.ofPlatform().daemon().name("wait-sampler").start(() -> sample(db));
    }

    /** Starts sampling the database of {@code db}; null (nothing to close) when not {@code enabled}. */
    static WaitSampler start(DataSource db, boolean enabled) {
        return enabled ? new WaitSampler(db) : null;
    }

    static Waits waitsOf(WaitSampler sampler) {
        return sampler == null ? null : sampler.waits();
    }

    private void sample(DataSource db) {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            while (running) {
                try (ResultSet rs = s.executeQuery(QUERY)) {
                    synchronized (counts) {
                        samples++;
                        while (rs.next()) {
                            counts.merge(rs.getString(1), 1, Integer::sum);
                        }
                    }
                }
                Thread.sleep(PERIOD_MILLIS);
            }
        } catch (SQLException e) {
            System.err.println("bench: wait sampling stopped: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What was seen, most frequent first. */
    Waits waits() {
        synchronized (counts) {
            Map<String, Integer> sorted = counts.entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
            return new Waits(samples, sorted);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5_000);
    }

    /** Busy-session observations over {@code samples} looks at pg_stat_activity. */
    record Waits(int samples, Map<String, Integer> byWhat) {
        int busy() {
            return byWhat.values().stream().mapToInt(Integer::intValue).sum();
        }

        @Override
        public String toString() {
            int busy = busy();
            return byWhat.entrySet().stream().limit(8)
                    .map(e -> String.format("%s %d (%.0f %%)", e.getKey(), e.getValue(), 100.0 * e.getValue() / Math.max(1, busy)))
                    .collect(Collectors.joining("; ", busy + " busy sessions in " + samples + " samples: ", ""));
        }
    }
}
