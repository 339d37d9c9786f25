package io.octvex.bench;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * The peer: db-scheduler executing no-op one-time tasks with its lock-and-fetch strategy (one
 * {@code UPDATE … FOR UPDATE SKIP LOCKED … RETURNING} per batch, the mode its authors recommend on
 * PostgreSQL). The backlog is inserted with the rows {@code SchedulerClient.schedule} writes, in one
 * statement so that filling it is not measured; the span runs from the first execution to the moment the
 * table is empty (db-scheduler deletes a one-time task's row when it completes).
 */
final class DbSchedulerBaseline {
    private final DataSource db;
    private final int threads;

    DbSchedulerBaseline(DataSource db, int threads) {
        this.db = db;
        this.threads = threads;
    }

    Throughput drain(int tasks) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS scheduled_tasks");
            // db-scheduler's PostgreSQL schema (its repository's postgresql_tables.sql, version 16)
            s.execute("""
                    CREATE TABLE scheduled_tasks (
                        task_name text NOT NULL, task_instance text NOT NULL, task_data bytea,
                        execution_time timestamptz NOT NULL, picked boolean NOT NULL, picked_by text,
                        last_success timestamptz, last_failure timestamptz, consecutive_failures int,
                        last_heartbeat timestamptz, version bigint NOT NULL, priority smallint,
                        PRIMARY KEY (task_name, task_instance))""");
            s.execute("CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time)");
            s.execute("CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat)");
            s.execute("CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time)");
            s.execute("INSERT INTO scheduled_tasks (task_name, task_instance, execution_time, picked, version) "
                    + "SELECT 'noop', 'i' || n, now() - interval '1 second', false, 1 "
                    + "FROM generate_series(1, " + tasks + ") n");
            s.execute("VACUUM ANALYZE scheduled_tasks");
        }
        AtomicLong executed = new AtomicLong();
        AtomicLong firstStart = new AtomicLong();
        OneTimeTask<Void> noop = Tasks.oneTime("noop").execute((instance, context) -> {
            firstStart.compareAndSet(0, System.nanoTime());
            executed.incrementAndGet();
        });
        Scheduler scheduler = Scheduler.create(db, noop)
                .threads(threads)
                .pollUsingLockAndFetch(0.5, 1.0)
                .pollingInterval(Duration.ofMillis(100))
                .build();
        scheduler.start();
        try {
            while (remaining() > 0) {
                Thread.sleep(20);
            }
            long end = System.nanoTime();
            return new Throughput("db-scheduler", executed.get(), Duration.ofNanos(end - firstStart.get()));
        } finally {
            scheduler.stop();
        }
    }

    private long remaining() throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM scheduled_tasks")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
