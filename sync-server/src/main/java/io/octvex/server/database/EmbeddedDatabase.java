package io.octvex.server.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL server: real PostgreSQL binaries shipped as a Maven artifact, with a persistent
 * data directory. One server process owns a data directory at a time, enforced by an OS file lock that
 * dies with the process, so a crashed server never leaves the directory locked.
 */
final class EmbeddedDatabase implements AutoCloseable {
    static final int SHIPPED_MAJOR = 18;
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private final EmbeddedPostgres postgres;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private EmbeddedDatabase(EmbeddedPostgres postgres, FileChannel lockChannel, FileLock lock) {
        this.postgres = postgres;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Starts PostgreSQL on a durable data directory that survives restarts. */
    static EmbeddedDatabase persistent(Path dataDirectory) {
        try {
            Files.createDirectories(dataDirectory.getParent());
            FileChannel channel = FileChannel.open(lockFile(dataDirectory),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel, dataDirectory);
            try {
                checkMajorVersion(dataDirectory);
                stopOrphan(dataDirectory);
                EmbeddedPostgres postgres = start(EmbeddedPostgres.builder()
                        .setDataDirectory(dataDirectory)
                        .setCleanDataDirectory(false)
                        // Spring stops PostgreSQL after the pool; zonky's own hook would race it at exit
                        .setRegisterShutdownHook(false)
                        // zonky turns durability off for tests; a product database keeps its commits
                        .setServerConfig("fsync", "on")
                        .setServerConfig("synchronous_commit", "on")
                        .setServerConfig("full_page_writes", "on"), dataDirectory);
                log.info("Embedded PostgreSQL {} running on port {} with data in {}", SHIPPED_MAJOR,
                        postgres.getPort(), dataDirectory);
                return new EmbeddedDatabase(postgres, channel, lock);
            } catch (IOException | RuntimeException e) {
                lock.release(); // a refused start must leave the directory free for the next attempt
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the data directory " + dataDirectory, e);
        }
    }

    /** Starts PostgreSQL in a fresh temporary directory that is removed on close (tests, demos). */
    static EmbeddedDatabase ephemeral() {
        try {
            return new EmbeddedDatabase(EmbeddedPostgres.builder().setRegisterShutdownHook(false).start(), null, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
        }
    }

    String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    private static EmbeddedPostgres start(EmbeddedPostgres.Builder builder, Path dataDirectory) throws IOException {
        try {
            return builder.setPGStartupWait(Duration.ofSeconds(60)).start();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the embedded PostgreSQL did not start on " + dataDirectory
                    + ". Its log is in " + dataDirectory.resolve("log") + " (when present); a full disk or a "
                    + "damaged data directory are the usual causes. Cause: " + e, e);
        }
    }

    private static Path lockFile(Path dataDirectory) {
        return dataDirectory.resolveSibling(dataDirectory.getFileName() + ".lock");
    }

    private static FileLock tryLock(FileChannel channel, Path dataDirectory) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new DataDirectoryInUseException("Another Octvex server is already using the database in "
                    + dataDirectory + ". Stop that server first, or give this one its own home with OCTVEX_HOME.");
        }
        return lock;
    }

    /** A data directory written by another PostgreSQL major cannot be opened; say so instead of timing out. */
    private static void checkMajorVersion(Path dataDirectory) throws IOException {
        Path versionFile = dataDirectory.resolve("PG_VERSION");
        if (!Files.exists(versionFile)) {
            return;
        }
        String found = Files.readString(versionFile, StandardCharsets.US_ASCII).strip();
        if (!found.equals(Integer.toString(SHIPPED_MAJOR))) {
            throw new IllegalStateException("The database in " + dataDirectory + " was created by PostgreSQL "
                    + found + ", but this Octvex ships PostgreSQL " + SHIPPED_MAJOR + ". Upgrade it with pg_upgrade"
                    + " (or dump and restore), or start with a fresh OCTVEX_HOME.");
        }
    }

    /**
     * A server killed with SIGKILL leaves its PostgreSQL child running. We hold the directory's lock, so any
     * postmaster still listed in postmaster.pid is such an orphan: stop it before starting our own.
     */
    private static void stopOrphan(Path dataDirectory) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.US_ASCII);
        Optional<ProcessHandle> orphan = lines.isEmpty() ? Optional.empty()
                : parsePid(lines.getFirst()).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
        if (orphan.isEmpty()) {
            return;
        }
        log.warn("Stopping PostgreSQL (pid {}) left running by an Octvex server that did not shut down cleanly",
                orphan.get().pid());
        orphan.get().destroy();
        try {
            orphan.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            orphan.get().destroyForcibly();
        }
    }

    private static Optional<Long> parsePid(String line) {
        try {
            return Optional.of(Long.parseLong(line.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }


    @Override
    public void close() throws IOException {
        try {
            postgres.close();
        } finally {
            if (lock != null) {
                lock.release();
                lockChannel.close();
            }
        }
    }
}
