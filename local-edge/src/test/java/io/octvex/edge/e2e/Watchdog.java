package io.octvex.edge.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Watches a fault test for a stall: no progress for {@code quiet} while work is waiting and its processes are
 * alive. Once it sees one it takes a thread dump ({@code jcmd PID Thread.print}) of each process it is given,
 * into {@code target/failsafe-reports/}, and the test's next {@link #check()} fails, naming the files. A stall
 * once went unexplained because nobody had a dump (docs/reliability.md); this makes the next one leave evidence.
 */
final class Watchdog implements AutoCloseable {
    private static final Path REPORTS = Path.of("target", "failsafe-reports");

    private final String test;
    private final Duration quiet;
    private final Callable<Long> progress;
    private final Callable<Boolean> waiting;
    private final Supplier<List<Processes.Running>> suspects;
    private final Callable<String> state;
    private final Thread thread;
    private volatile String stalled;

    /**
     * @param progress a count that grows while work moves (e.g. leases granted plus steps completed)
     * @param waiting  true while work is queued and processes that could take it are alive
     * @param suspects the processes to dump (the server first, then an edge)
     * @param state    what the server's API says at that moment (e.g. its list of edges), kept with the dumps
     */
    Watchdog(String test, Duration quiet, Callable<Long> progress, Callable<Boolean> waiting,
             Supplier<List<Processes.Running>> suspects, Callable<String> state) {
        this.test = test;
        this.quiet = quiet;
        this.progress = progress;
        this.waiting = waiting;
        this.suspects = suspects;
        this.state = state;
        this.thread = Thread.ofPlatform().daemon().name("watchdog-" + test).start(this::watch);
    }

    /** Fails the test if a stall was seen. */
    void check() {
        if (stalled != null) {
            throw new AssertionError(stalled);
        }
    }

    private void watch() {
        long last = Long.MIN_VALUE;
        long since = System.nanoTime();
        while (!Thread.currentThread().isInterrupted() && stalled == null) {
            try {
                Thread.sleep(1000);
                long now = progress.call();
                if (now != last) {
                    last = now;
                    since = System.nanoTime();
                } else if (System.nanoTime() - since > quiet.toNanos() && waiting.call()) {
                    List<Path> dumps = dump();
                    stalled = "no progress for " + quiet.toSeconds() + " s while work waited and processes were "
                            + "alive (progress stuck at " + now + "); thread dumps: " + dumps;
                    System.out.println(test + ": " + stalled);
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // the admin API may be briefly unavailable (a restart under test): look again
            }
        }
    }

    private List<Path> dump() throws IOException, InterruptedException {
        Files.createDirectories(REPORTS);
        String jcmd = Path.of(Processes.java()).resolveSibling("jcmd").toString();
        String stamp = Instant.now().toString().replace(':', '-');
        List<Path> files = new ArrayList<>();
        Path api = REPORTS.resolve(test + "-stall-" + stamp + "-api.txt").toAbsolutePath();
        try {
            Files.writeString(api, state.call());
        } catch (Exception e) {
            Files.writeString(api, "the API did not answer: " + e);
        }
        files.add(api);
        for (Processes.Running p : suspects.get()) {
            if (!p.process().isAlive()) {
                continue;
            }
            Path file = REPORTS.resolve(test + "-stall-" + stamp + "-" + p.log().getFileName() + "-" + p.pid()
                    + ".txt").toAbsolutePath();
            // Thread.print shows platform threads and their locks; the server's requests run on virtual threads,
            // which only Thread.dump_to_file lists
            Path virtual = file.resolveSibling(file.getFileName().toString().replace(".txt", "-all-threads.txt"));
            jcmd(file, jcmd, Long.toString(p.pid()), "Thread.print", "-l");
            jcmd(null, jcmd, Long.toString(p.pid()), "Thread.dump_to_file", "-overwrite", virtual.toString());
            Path log = file.resolveSibling(file.getFileName().toString().replace(".txt", ".log"));
            Files.writeString(log, p.output()); // its log up to the stall, before the test's cleanup deletes it
            files.add(file);
        }
        return files;
    }

    private static void jcmd(Path output, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.redirectOutput(output == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(output.toFile()));
        Process jc = builder.start();
        if (!jc.waitFor(60, TimeUnit.SECONDS)) {
            jc.destroyForcibly();
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
