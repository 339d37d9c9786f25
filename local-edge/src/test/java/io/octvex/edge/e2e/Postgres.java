package io.octvex.edge.e2e;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A PostgreSQL the test owns, as an operator's external database: a fixed data directory and port, so that it can
 * be stopped or killed and started again where the server expects it. Durable settings (fsync and synchronous
 * commit on, unlike zonky's test defaults): a commit the server acknowledged must survive a SIGKILL.
 */
final class Postgres {
    private final Path dataDirectory;
    private final int port;
    private EmbeddedPostgres running;

    private Postgres(Path dataDirectory, int port) {
        this.dataDirectory = dataDirectory;
        this.port = port;
    }

    static Postgres start(Path dataDirectory, int port) throws IOException {
        Postgres postgres = new Postgres(dataDirectory, port);
        postgres.start();
        return postgres;
    }

    void start() throws IOException {
        running = EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false)
                .setPort(port).setRegisterShutdownHook(false).setPGStartupWait(Duration.ofSeconds(120))
                .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on").start();
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** {@code pg_ctl stop -m fast}: sessions are terminated, the server shuts down cleanly. */
    void stop() throws IOException {
        running.close();
    }

    /**
     * SIGKILL of the postmaster, then of the backends it leaves behind (they notice their parent's death only at
     * their next wait): a crash of the database host, recovered from the WAL on the next start.
     */
    void kill() throws Exception {
        Process postmaster = running.getProcess();
        List<ProcessHandle> children = postmaster.descendants().toList();
        postmaster.destroyForcibly();
        postmaster.waitFor();
        for (ProcessHandle child : children) {
            child.destroyForcibly();
        }
        for (ProcessHandle child : children) {
            child.onExit().get();
        }
        running.close(); // pg_ctl finds nothing to stop; this releases zonky's lock on the data directory
    }
}
