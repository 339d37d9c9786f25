package io.octvex.edge.lease;

import io.octvex.edge.client.EdgeClient;
import io.octvex.protocol.Lease;
import io.octvex.protocol.OctvexApiException;
import io.octvex.protocol.OctvexConnectionException;
import io.octvex.protocol.ResultBatch;
import io.octvex.protocol.ResultBatchAck;
import io.octvex.protocol.ResultOutcome;
import io.octvex.protocol.StepResult;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reports terminal results (ADR 0027). A finished step hands its result here and waits; one sender takes
 * every result waiting and reports them in one request ({@code POST /edge/results}), so results that finish
 * while a report is in flight travel together in the next one. While other steps still run, the sender waits
 * up to {@link #LINGER} for their results too: steps leased together usually end together. The report also
 * asks for as many new steps as it frees slots (ADR 0034); those the server leases in its answer start at
 * once, each in the slot of a reported step, so one request per cycle both reports and refills. A server without that
 * endpoint (404 or 405) gets one request per result, as before, and so does a batch the server refuses as
 * a whole (400, or a 5xx such as a lost deadlock), so that one bad result does not hold back the others. While the
 * server is unreachable or answers 5xx (its database may be restarting) a result is retried for up to five
 * minutes (heartbeats keep its lease); a result whose lease is lost or whose step is abandoned meanwhile is
 * dropped. A retry of a result stored before its answer was lost is fenced, which only ends the step here.
 */
final class ResultReporter {
    private static final System.Logger LOG = System.getLogger(ResultReporter.class.getName());
    static final int MAX_BATCH = 256;
    static final Duration RETRY_LIMIT = Duration.ofMinutes(5);
    /** How long a report waits for the results of steps still running, so they travel together. */
    static final Duration LINGER = Duration.ofMillis(2);

    /** How the edge takes the steps leased with a report (ADR 0034). */
    interface Refill {
        /** How many new steps to ask for with a report of {@code reported} results (0 for none: draining). */
        int wanted(int reported);

        /** Starts {@code lease} in the slot of a reported step; false when it cannot take it. */
        boolean launch(Lease lease);

        /** Steps running or reporting on this edge now. */
        int running();

        /** The server asked the edge to drain. */
        void drain();
    }

    /** A 5xx answer: the server is there but cannot record now; retried like an unreachable server. */
    private static final class ServerTrouble extends RuntimeException {
        private final Optional<Duration> retryAfter;

        ServerTrouble(OctvexApiException cause) {
            super(cause.getMessage(), cause, false, false);
            this.retryAfter = cause.retryAfter();
        }
    }

    /** A result waiting to be recorded; {@code slotPassedOn}: a step leased with its report took its slot. */
    private record Pending(ActiveStep step, StepResult result, Instant giveUp, CompletableFuture<Void> done,
                           AtomicBoolean slotPassedOn) {
        boolean dropped() {
            return step.lost() || step.abandoned();
        }
    }

    private final EdgeClient client;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Runnable unauthorised;
    private final Refill refill;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private volatile boolean batches = true;
    private volatile boolean stopped;
    private volatile Thread sender;

    ResultReporter(EdgeClient client, Clock clock, Sleeper sleeper, Runnable unauthorised, Refill refill) {
        this.refill = refill;
        this.client = client;
        this.clock = clock;
        this.sleeper = sleeper;
        this.unauthorised = unauthorised;
    }

    void start() {
        sender = Thread.ofVirtual().name("edge-results").start(this::sendLoop);
    }

    /** Ends the sender; results still waiting are not reported (their steps are being abandoned). */
    void stop() {
        stopped = true;
        Thread s = sender;
        if (s != null) {
            s.interrupt();
        }
        releaseWaiting();
    }

    /**
     * Reports {@code result}; returns once it is recorded, refused, given up, or its step lost or abandoned:
     * true when a step leased with the report took the caller's slot (the caller must not free it then).
     */
    boolean report(ActiveStep step, StepResult result) {
        Pending pending = new Pending(step, result, clock.instant().plus(RETRY_LIMIT), new CompletableFuture<>(),
                new AtomicBoolean());
        queue.add(pending);
        if (stopped) {
            releaseWaiting();
        }
        pending.done().join();
        return pending.slotPassedOn().get();
    }

    private void releaseWaiting() {
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(p -> p.done().complete(null));
    }

    private void sendLoop() {
        while (!stopped) {
            List<Pending> batch = new ArrayList<>();
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                continue; // stop(): the loop condition decides
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            linger(batch);
            try {
                send(batch);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "unexpected error reporting results", e);
            } finally {
                batch.forEach(p -> p.done().complete(null));
            }
        }
        releaseWaiting();
    }

    /** Waits up to {@link #LINGER} for the results of the steps still running, while they may join. */
    private void linger(List<Pending> batch) {
        long deadline = System.nanoTime() + LINGER.toNanos();
        try {
            while (batch.size() < Math.min(refill.running(), MAX_BATCH)) {
                long left = deadline - System.nanoTime();
                Pending next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
                if (next == null) {
                    return;
                }
                batch.add(next);
                queue.drainTo(batch, MAX_BATCH - batch.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stop(): the batch is released by the caller
        }
    }

    /** Sends {@code batch}, retrying while the server is unreachable; results finished meanwhile join it. */
    private void send(List<Pending> batch) {
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(10));
        List<Pending> left = new ArrayList<>(batch);
        while (!stopped) {
            left.removeIf(p -> p.dropped() && p.done().complete(null));
            left.removeIf(p -> p.done().isDone());
            if (left.isEmpty()) {
                return;
            }
            try {
                deliver(left);
                return;
            } catch (OctvexConnectionException | ServerTrouble e) {
                Instant now = clock.instant();
                for (Pending p : left) {
                    if (now.isAfter(p.giveUp())) {
                        LOG.log(Level.ERROR, "giving up reporting {0}: {1}", p.step().describe(), e.getMessage());
                        p.done().complete(null);
                    }
                }
                left.removeIf(p -> p.done().isDone());
                // the server's database may be back any second: short waits, or the server's Retry-After
                Duration wait = backoff.unavailable(e instanceof ServerTrouble t ? t.retryAfter : Optional.empty());
                LOG.log(Level.WARNING, "cannot report {0} result(s) yet: {1}; retrying in {2} ms", left.size(),
                        e.getMessage(), wait.toMillis());
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException ie) {
                    return; // stop()
                }
                List<Pending> more = new ArrayList<>();
                queue.drainTo(more, Math.max(0, MAX_BATCH - left.size()));
                left.addAll(more);
                batch.addAll(more); // so the loop releases them too
            }
        }
    }

    private void deliver(List<Pending> left) {
        if (batches) {
            try {
                int wanted = refill.wanted(left.size());
                ResultBatchAck ack = client.results(new ResultBatch(left.stream()
                        .map(p -> ResultBatch.BatchedResult.of(p.step().lease().stepId(), p.result())).toList(),
                        wanted > 0 ? wanted : null));
                apply(left, ack);
                return;
            } catch (OctvexApiException e) {
                if (e.status() == 401) {
                    unauthorised.run();
                    return;
                }
                if (e.status() == 404 || e.status() == 405) {
                    LOG.log(Level.INFO, "the server takes no result batches; reporting results one by one");
                    batches = false;
                } else if (e.status() >= 500 && left.size() == 1) {
                    throw new ServerTrouble(e);
                } else if ((e.status() != 400 && e.status() < 500) || left.size() == 1) {
                    LOG.log(Level.ERROR, "the server refused {0} result(s): {1}", left.size(), e.getMessage());
                    return;
                }
                // 400 or 5xx for the whole batch: one by one, so only a bad result is refused
            }
        }
        for (Pending p : left) {
            if (!p.done().isDone()) {
                deliverOne(p);
            }
        }
    }

    private void apply(List<Pending> sent, ResultBatchAck ack) {
        List<ResultOutcome> outcomes = ack == null || ack.outcomes() == null ? List.of() : ack.outcomes();
        List<Lease> leased = ack == null ? List.of() : ack.leased();
        int slot = 0;
        for (Lease lease : leased) { // before the reported steps end and free their slots
            if (slot == sent.size()) {
                LOG.log(Level.WARNING, "the server leased more steps than the {0} asked for with a report; step "
                        + "{1} is left to expire", sent.size(), lease.stepId());
            } else if (refill.launch(lease)) {
                sent.get(slot++).slotPassedOn().set(true);
            }
        }
        if (ack != null && ack.draining()) {
            refill.drain();
        }
        for (Pending p : sent) {
            ResultOutcome outcome = outcomes.stream().filter(o -> p.step().lease().stepId().equals(o.stepId()))
                    .findFirst().orElse(null);
            if (outcome == null) {
                LOG.log(Level.ERROR, "the server said nothing about the result of {0}", p.step().describe());
            } else if (ResultOutcome.FENCED.equals(outcome.outcome())) {
                p.step().markLost("the server refused the result (" + outcome.detail() + ")");
            } else if (!ResultOutcome.RECORDED.equals(outcome.outcome())) {
                LOG.log(Level.ERROR, "the server refused the result of {0}: {1}", p.step().describe(), outcome.detail());
            }
            p.done().complete(null);
        }
    }

    /** The single-result request: 409 means the lease is gone. Connection failures and 5xx go to the caller's retry. */
    private void deliverOne(Pending p) {
        try {
            client.result(p.step().lease().stepId(), p.result());
        } catch (OctvexApiException e) {
            if (e.status() == 409) {
                p.step().markLost("the server refused the result (" + e.getMessage() + ")");
            } else if (e.status() == 401) {
                unauthorised.run();
            } else if (e.status() >= 500) {
                throw new ServerTrouble(e);
            } else {
                LOG.log(Level.ERROR, "the server refused the result of {0}: {1}", p.step().describe(), e.getMessage());
            }
        }
        p.done().complete(null);
    }
}
