package io.octvex.bench;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;

/**
 * The floor: what PostgreSQL itself allows for a queue on this machine. A backlog of jobs is drained by
 * workers that each claim a batch with one {@code UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED
 * LIMIT n) RETURNING id} and complete it with one more statement: two commits per batch, no work between
 * them, no audit, no policy, no HTTP.
 */
final class SkipLockedBaseline {
    private final DataSource db;
    private final int workers;
    private final int batch;

    SkipLockedBaseline(DataSource db, int workers, int batch) {
        this.db = db;
        this.workers = workers;
        this.batch = batch;
    }

    Throughput drain(int jobs) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS bench_jobs");
            s.execute("""
                    CREATE TABLE bench_jobs (
                        id bigserial PRIMARY KEY, status text NOT NULL, payload jsonb NOT NULL,
                        created_at timestamptz NOT NULL DEFAULT now(), done_at timestamptz)""");
            s.execute("CREATE INDEX bench_jobs_queued ON bench_jobs (id) WHERE status = 'queued'");
            s.execute("INSERT INTO bench_jobs (status, payload) SELECT 'queued', '{\"n\": 1}' "
                    + "FROM generate_series(1, " + jobs + ")");
            s.execute("VACUUM ANALYZE bench_jobs");
        }
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(workers)) {
            List<Future<Integer>> done = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                done.add(pool.submit(this::work));
            }
            long total = 0;
            for (Future<Integer> f : done) {
                total += f.get();
            }
            return new Throughput("raw SKIP LOCKED", total, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private int work() throws SQLException {
        int done = 0;
        try (Connection c = db.getConnection();
             PreparedStatement claim = c.prepareStatement("""
                     UPDATE bench_jobs SET status = 'running'
                     WHERE id IN (SELECT id FROM bench_jobs WHERE status = 'queued' ORDER BY id
                                  FOR UPDATE SKIP LOCKED LIMIT ?)
                     RETURNING id""");
             PreparedStatement complete = c.prepareStatement(
                     "UPDATE bench_jobs SET status = 'done', done_at = now() WHERE id = ANY(?)")) {
            c.setAutoCommit(true);
            claim.setInt(1, batch);
            while (true) {
                List<Long> ids = new ArrayList<>();
                try (ResultSet rs = claim.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
                if (ids.isEmpty()) {
                    return done;
                }
                Array array = c.createArrayOf("bigint", ids.toArray());
                complete.setArray(1, array);
                complete.executeUpdate();
                done += ids.size();
            }
        }
    }
}
