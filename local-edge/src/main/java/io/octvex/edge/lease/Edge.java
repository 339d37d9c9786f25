package io.octvex.edge.lease;

import io.octvex.edge.client.EdgeClient;
import io.octvex.edge.handler.Handler;
import io.octvex.edge.handler.ReportRejected;
import io.octvex.edge.handler.StepFailure;
import io.octvex.edge.identity.EdgeIdentity;
import io.octvex.protocol.EdgeState;
import io.octvex.protocol.Heartbeat;
import io.octvex.protocol.HeartbeatAck;
import io.octvex.protocol.Lease;
import io.octvex.protocol.LeaseBatch;
import io.octvex.protocol.LeaseRef;
import io.octvex.protocol.LeaseRequest;
import io.octvex.protocol.OctvexApiException;
import io.octvex.protocol.OctvexConnectionException;
import io.octvex.protocol.StepResult;
import io.octvex.protocol.StepStatus;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/**
 * A running edge: asks the server for work while it has free slots (long-poll), runs each leased step with
 * its {@link Handler} on a virtual thread, heartbeats its leases, and reports results fenced by the lease
 * epoch (batched by {@link ResultReporter}). While its recent steps ran short it may also hold up to
 * {@link Builder#prefetch} leases of steps waiting for a slot ({@link Prefetch}, ADR 0038). This is the facade
 * the {@code octvex-edge} process and the Desk's bundled edge both use.
 *
 * <pre>{@code
 * Edge edge = Edge.builder(identity).handler(new HttpHandler()).capacity(4).build();
 * edge.start();
 * ...
 * edge.drain();                       // no new work; in-flight steps finish (bounded by drainTimeout)
 * Edge.Stop why = edge.stopped().join();
 * edge.close();
 * }</pre>
 *
 * <p>Lifecycle: {@code NEW → RUNNING → DRAINING → STOPPED}. A drain is requested by {@link #drain()}, by the
 * server ({@link LeaseBatch#drain()} or a heartbeat saying {@code draining}) or by {@link #close()}; a 401
 * from the server (edge revoked or unknown) stops the edge at once, abandoning in-flight steps.
 */
public final class Edge implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Edge.class.getName());
    /** How long one lease request may wait on the server (the protocol allows at most 30). */
    static final int POLL_WAIT_SECONDS = 25;
    /** How long a lease request may wait for more slots to free while steps run ({@link #gatherSlots}). */
    static final Duration GATHER = Duration.ofMillis(5);
    /** Assumed until the first lease or heartbeat tells the real TTL. */
    private static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(30);

    /** Where an edge is in its life. */
    public enum Phase { NEW, RUNNING, DRAINING, STOPPED }

    /** Why an edge stopped. */
    public enum Stop {
        /** Drained: asked to stop taking work and every in-flight step ended (or the drain bound passed). */
        DRAINED,
        /** The server refused the edge's token (401): revoked, expired or unknown. */
        REVOKED,
        /** {@link #close()} stopped it. */
        CLOSED
    }

    /** A step this edge is working on now, for status displays (no input: it may name private things). */
    public record RunningStep(UUID workspaceId, UUID runId, UUID stepId, String stepKey, String handler, int attempt) {}

    /** A snapshot for status displays. */
    public record Status(Phase phase, int capacity, int activeSteps, EdgeState serverState, Long lastRoundTripMillis,
                         boolean connected) {}

    private final EdgeIdentity identity;
    private final EdgeClient client;
    private final Map<String, Handler> handlers;
    private final int capacity;
    private final Duration gather;
    private final Path workRoot;
    private final Clock clock;
    private final Duration drainTimeout;
    private final Duration maxHeartbeatInterval;
    private final Sleeper sleeper;

    private final ResultReporter reporter;
    private final Prefetch prefetch;
    /** Leases this edge may hold: one per slot, and one per step it may prefetch. */
    private final Semaphore slots;
    /** Handlers running; fair, so steps waiting for a slot start in the order they were leased. */
    private final Semaphore runners;
    private final Map<UUID, ActiveStep> active = new ConcurrentHashMap<>();
    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.NEW);
    private final CompletableFuture<Stop> stopped = new CompletableFuture<>();
    private final Object idle = new Object();
    private long stepsEnded; // guarded by idle
    private final Object beat = new Object();

    private volatile Duration leaseTtl = DEFAULT_LEASE_TTL;
    private volatile Long lastRoundTripMillis;
    private volatile EdgeState serverState;
    private volatile boolean connected;
    private volatile Thread poller;
    private volatile Thread heartbeater;

    private Edge(Builder b) {
        this.identity = b.identity;
        this.client = b.client != null ? b.client : EdgeClient.authenticated(b.server, identity.edgeToken());
        this.handlers = Map.copyOf(b.handlers);
        this.capacity = b.capacity > 0 ? b.capacity : identity.slots();
        this.workRoot = b.workRoot;
        this.clock = b.clock;
        this.drainTimeout = b.drainTimeout;
        this.maxHeartbeatInterval = b.maxHeartbeatInterval;
        this.sleeper = b.sleeper;
        this.gather = b.gather;
        this.prefetch = new Prefetch(capacity, b.prefetch);
        this.slots = new Semaphore(capacity + prefetch.extra());
        this.runners = new Semaphore(capacity, true);
        this.reporter = new ResultReporter(client, clock, sleeper, this::unauthorised, new Refill());
    }

    /** The most steps an edge of {@code capacity} slots may prefetch: what the server allows beyond its slots. */
    public static int mostPrefetch(int capacity) {
        return (LeaseRequest.LEASES_PER_SLOT - 1) * capacity;
    }

    /** An edge acting as {@code identity}, talking to the server the identity enrolled with. */
    public static Builder builder(EdgeIdentity identity) {
        return new Builder(identity);
    }

    // --- public API --------------------------------------------------------------------------------------

    /** Starts leasing. Returns at once; the work happens on virtual threads. */
    public void start() {
        if (!phase.compareAndSet(Phase.NEW, Phase.RUNNING)) {
            throw new IllegalStateException("this edge was already started");
        }
        LOG.log(Level.INFO, "edge {0} ({1}) serving {2} with {3} slot(s); handlers {4}", identity.edgeId(),
                identity.name(), client.server(), capacity, handlers.keySet().stream().sorted().toList());
        reporter.start();
        heartbeater = Thread.ofVirtual().name("edge-heartbeat").start(this::heartbeatLoop);
        poller = Thread.ofVirtual().name("edge-lease").start(this::pollLoop);
    }

    /**
     * Stops asking for work and lets in-flight steps finish; steps still running after the drain timeout are
     * abandoned unreported, so their leases expire and the server offers them again. Returns at once; see
     * {@link #stopped()}.
     */
    public void drain() {
        requestDrain("asked to drain");
    }

    /** Completes when the edge has stopped, with the reason. */
    public CompletableFuture<Stop> stopped() {
        return stopped;
    }

    /** {@link Status#activeSteps()} counts steps whose handler runs, not those waiting for a slot. */
    public Status status() {
        return new Status(phase.get(), capacity, runningSteps(), serverState, lastRoundTripMillis, connected);
    }

    /** The steps whose handler runs now, by step key. */
    public List<RunningStep> running() {
        return active.values().stream().filter(ActiveStep::started).map(ActiveStep::lease)
                .map(l -> new RunningStep(l.workspaceId(), l.runId(), l.stepId(), l.stepKey(), l.handler(), l.attempt()))
                .sorted(Comparator.comparing(RunningStep::stepKey))
                .toList();
    }

    /** The server this edge talks to. */
    public java.net.URI server() {
        return client.server();
    }

    public UUID edgeId() {
        return identity.edgeId();
    }

    /** Drains (bounded by the drain timeout), then stops and closes handlers that hold resources. */
    @Override
    public void close() {
        if (phase.get() == Phase.NEW) {
            finish(Stop.CLOSED);
        } else {
            drain();
            try {
                stopped.get(drainTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
            finish(Stop.CLOSED);
        }
        for (Handler handler : handlers.values()) {
            if (handler instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    LOG.log(Level.WARNING, "closing handler " + handler.name() + " failed", e);
                }
            }
        }
    }

    // --- the lease loop ------------------------------------------------------------------------------------

    private void pollLoop() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
        while (phase.get() == Phase.RUNNING) {
            int free = 0;
            try {
                slots.acquire();
                long ended = stepsEnded();
                free = 1 + slots.drainPermits();
                free += gatherSlots(free);
                if (phase.get() != Phase.RUNNING) {
                    break;
                }
                int allowed = Math.min(free, Math.max(0, leasesAllowed() - active.size()));
                slots.release(free - allowed);
                free = allowed;
                if (free == 0) { // every slot busy and no (more) prefetch now: ask again when a step ends
                    awaitStepEnd(ended);
                    continue;
                }
                LeaseBatch batch = client.lease(new LeaseRequest(free, POLL_WAIT_SECONDS));
                reconnected(backoff);
                List<Lease> leases = batch.leases() == null ? List.of() : batch.leases();
                int asked = free;
                for (Lease lease : leases) {
                    if (free == 0) {
                        LOG.log(Level.WARNING, "the server granted more leases than the {0} asked for; "
                                + "step {1} is left to expire", asked, lease.stepId());
                    } else if (launch(lease)) {
                        free--; // the permit now belongs to the step, which releases it when it ends
                    }
                }
                if (batch.drain()) {
                    requestDrain("the server asked this edge to drain");
                }
            } catch (InterruptedException e) {
                // drain or stop: the loop condition decides
            } catch (OctvexApiException e) {
                if (e.status() == 401) {
                    unauthorised();
                } else if (phase.get() == Phase.RUNNING && unavailable(e)) {
                    Duration wait = backoff.unavailable(e.retryAfter());
                    connected = false;
                    LOG.log(backoff.failures() <= 1 ? Level.WARNING : Level.DEBUG,
                            "lease request refused: {0}; retrying in {1} ms", e.getMessage(), wait.toMillis());
                    pause(wait);
                } else if (phase.get() == Phase.RUNNING) {
                    LOG.log(Level.WARNING, "lease request refused: {0}", e.getMessage());
                    pause(backoff.next());
                }
            } catch (OctvexConnectionException e) {
                if (phase.get() == Phase.RUNNING) {
                    disconnected(e, backoff);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "unexpected error in the lease loop", e);
                pause(backoff.next());
            } finally {
                if (free > 0) {
                    slots.release(free);
                }
            }
        }
    }

    /**
     * While steps still run and fewer than half the slots are free, waits a few milliseconds for more to free:
     * one claim of several steps costs the server and this edge less than several claims of one (a fast handler
     * frees its slot almost at once). Answers the slots it took meanwhile; they are the caller's to release.
     */
    private int gatherSlots(int free) {
        int gathered = 0;
        long deadline = System.nanoTime() + gather.toNanos();
        try {
            while (free + gathered < (capacity + 1) / 2 && !active.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !slots.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                    break;
                }
                gathered += 1 + slots.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // drain or stop: the loop looks at the phase next
        }
        return gathered;
    }

    private long stepsEnded() {
        synchronized (idle) {
            return stepsEnded;
        }
    }

    private void awaitStepEnd(long ended) throws InterruptedException {
        synchronized (idle) {
            while (stepsEnded == ended && phase.get() == Phase.RUNNING) {
                idle.wait(1_000);
            }
        }
    }

    private int runningSteps() {
        return (int) active.values().stream().filter(ActiveStep::started).count();
    }

    private void reconnected(Backoff backoff) {
        if (!connected || backoff.failures() > 0) {
            LOG.log(Level.INFO, "connected to {0}", client.server());
        }
        connected = true;
        backoff.reset();
    }

    /** The server is there but cannot serve for now (its database may be restarting): it will be back soon. */
    static boolean unavailable(OctvexApiException e) {
        return e.status() == 502 || e.status() == 503 || e.status() == 504;
    }

    private void disconnected(OctvexConnectionException e, Backoff backoff) {
        Duration wait = backoff.unavailable(Optional.empty());
        Level level = backoff.failures() <= 1 || connected ? Level.WARNING : Level.DEBUG;
        connected = false;
        LOG.log(level, "{0}; retrying in {1} ms", e.getMessage(), wait.toMillis());
        pause(wait);
    }

    private void pause(Duration duration) {
        try {
            sleeper.sleep(duration);
        } catch (InterruptedException e) {
            // woken by drain or stop
        }
    }

    private boolean launch(Lease lease) {
        ActiveStep step = new ActiveStep(lease, this, workRoot.resolve(lease.stepId() + "-" + lease.epoch()));
        learnTtl(lease.expiresAt(), 0);
        // a retry of a step whose handler has returned here (its failure being reported) takes its place
        if (active.compute(lease.stepId(), (id, old) -> old == null || old.finished() ? step : old) != step) {
            LOG.log(Level.WARNING, "the server leased step {0} again while it still runs here; ignoring the new "
                    + "lease", lease.stepId());
            return false;
        }
        LOG.log(Level.DEBUG, "leased {0}: handler {1}", step.describe(), lease.handler());
        Thread runner = Thread.ofVirtual().name("step-" + lease.stepKey()).unstarted(() -> runStep(step));
        step.bind(runner);
        runner.start();
        return true;
    }

    private void runStep(ActiveStep step) {
        boolean slotPassedOn = false;
        try {
            StepResult result = executeInSlot(step);
            step.finish();
            if (result != null && !step.lost() && !step.abandoned()) {
                slotPassedOn = reporter.report(step, result);
            }
        } finally {
            // its folder goes before the step leaves the edge's books: once running() no longer lists it, it is gone
            step.madeWorkDir().ifPresent(Edge::deleteRecursively);
            active.remove(step.lease().stepId(), step);
            if (!slotPassedOn) {
                slots.release();
            }
            synchronized (idle) {
                stepsEnded++;
                idle.notifyAll();
            }
        }
    }

    /** The leases this edge may hold now: one per slot, and the prefetched steps its recent pace allows. */
    private int leasesAllowed() {
        return capacity + prefetch.allowed();
    }

    /** Waits for a slot (a prefetched step), then runs the handler; null when there is nothing to report. */
    private StepResult executeInSlot(ActiveStep step) {
        try {
            runners.acquire();
        } catch (InterruptedException e) { // lost or abandoned while waiting: the lease expires or is gone
            LOG.log(Level.DEBUG, "{0} ended before it had a slot", step.describe());
            return null;
        }
        long started = System.nanoTime();
        try {
            step.start();
            return execute(step);
        } finally {
            runners.release();
            prefetch.ran(Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /** Takes the steps the server leased with a result report (ADR 0034), each in a reported step's slot. */
    private final class Refill implements ResultReporter.Refill {
        @Override
        public int wanted(int reported) {
            if (phase.get() != Phase.RUNNING) {
                return 0;
            }
            // only as many as keep the leases held within the slots and the prefetch allowed now (the reported
            // still count)
            return Math.clamp(leasesAllowed() - (active.size() - reported), 0, reported);
        }

        @Override
        public boolean launch(Lease lease) { // while draining too: a granted step runs rather than waits to expire
            return phase.get() != Phase.STOPPED && Edge.this.launch(lease);
        }

        @Override
        public int running() {
            return active.size();
        }

        @Override
        public void drain() {
            requestDrain("the server asked this edge to drain");
        }
    }

    /** Runs the handler; null when there is nothing to report (lease lost or step abandoned). */
    private StepResult execute(ActiveStep step) {
        Lease lease = step.lease();
        Handler handler = handlers.get(lease.handler());
        if (handler == null) {
            String error = "this edge has no handler named \"" + lease.handler() + "\" (it runs: "
                    + String.join(", ", handlers.keySet().stream().sorted().toList()) + ")";
            LOG.log(Level.WARNING, "{0}: {1}", step.describe(), error);
            return failed(lease, error);
        }
        try {
            JsonNode output = handler.run(step);
            if (step.lost() || step.abandoned()) {
                return null;
            }
            LOG.log(Level.INFO, "{0} completed", step.describe());
            return new StepResult(lease.epoch(), StepStatus.COMPLETED, output == null ? NullNode.getInstance() : output,
                    null);
        } catch (StepFailure e) {
            if (step.lost() || step.abandoned()) {
                return null;
            }
            LOG.log(Level.INFO, "{0} failed: {1}", step.describe(), e.getMessage());
            return failed(lease, e.getMessage());
        } catch (ReportRejected e) {
            if (step.lost() || step.abandoned()) {
                return null;
            }
            LOG.log(Level.INFO, "{0} failed: {1}", step.describe(), e.getMessage());
            return failed(lease, e.getMessage());
        } catch (Throwable e) {
            if (step.lost() || step.abandoned()) {
                LOG.log(Level.DEBUG, step.describe() + " ended after its lease was lost", e);
                return null;
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                return failed(lease, "interrupted");
            }
            LOG.log(Level.ERROR, "internal error in handler " + lease.handler() + " running " + step.describe(), e);
            return failed(lease, "internal error in handler " + lease.handler());
        }
    }

    private static StepResult failed(Lease lease, String error) {
        return new StepResult(lease.epoch(), StepStatus.FAILED, null,
                error == null || error.isBlank() ? "failed without a message" : error);
    }

    // --- heartbeats ----------------------------------------------------------------------------------------

    private void heartbeatLoop() {
        long last = System.nanoTime();
        while (phase.get() != Phase.STOPPED) {
            try {
                // woken early when a shorter TTL is learnt, so the first beat of a fresh lease is not late
                synchronized (beat) {
                    long wait;
                    while ((wait = TimeUnit.NANOSECONDS.toMillis(last + heartbeatInterval().toNanos()
                            - System.nanoTime())) > 0 && phase.get() != Phase.STOPPED) {
                        beat.wait(wait);
                    }
                }
            } catch (InterruptedException e) {
                continue;
            }
            last = System.nanoTime();
            if (phase.get() == Phase.STOPPED) {
                break;
            }
            List<ActiveStep> steps = active.values().stream().filter(s -> !s.lost() && !s.abandoned()).toList();
            List<LeaseRef> refs = steps.stream().map(ActiveStep::ref).toList();
            long started = System.nanoTime();
            try {
                Duration timeout = leaseTtl.compareTo(Duration.ofSeconds(10)) < 0 ? Duration.ofSeconds(10) : leaseTtl;
                HeartbeatAck ack = client.heartbeat(
                        new Heartbeat(refs, Math.max(0, capacity - runningSteps()), lastRoundTripMillis), timeout);
                long rtt = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                lastRoundTripMillis = rtt;
                connected = true;
                apply(ack, rtt);
            } catch (OctvexApiException e) {
                if (e.status() == 401) {
                    unauthorised();
                } else {
                    LOG.log(Level.WARNING, "heartbeat refused: {0}", e.getMessage());
                }
            } catch (OctvexConnectionException e) {
                LOG.log(refs.isEmpty() ? Level.DEBUG : Level.WARNING, "heartbeat not delivered: {0}", e.getMessage());
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "unexpected error sending a heartbeat", e);
            }
        }
    }

    private void apply(HeartbeatAck ack, long rtt) {
        if (ack.lost() != null) {
            for (LeaseRef ref : ack.lost()) {
                ActiveStep step = active.get(ref.stepId());
                if (step != null && step.lease().epoch() == ref.epoch()) {
                    step.markLost("the server says the lease is no longer this edge's");
                }
            }
        }
        if (ack.extended() != null && !ack.extended().isEmpty()) {
            learnTtl(ack.expiresAt(), rtt);
        }
        EdgeState state = ack.state();
        if (state != null && state != serverState) {
            LOG.log(Level.INFO, "the server lists this edge as {0}", state.wire());
        }
        serverState = state;
        if (state == EdgeState.DRAINING) {
            requestDrain("the server asked this edge to drain");
        } else if (state == EdgeState.REVOKED) {
            unauthorised();
        }
    }

    /** Estimates the lease TTL from an expiry the server just set (assumes roughly synchronised clocks). */
    private void learnTtl(Instant expiresAt, long rttMillis) {
        if (expiresAt == null) {
            return;
        }
        Duration ttl = Duration.between(clock.instant().minusMillis(rttMillis / 2), expiresAt);
        if (ttl.compareTo(Duration.ofMillis(300)) >= 0 && ttl.compareTo(Duration.ofHours(1)) <= 0) {
            boolean shorter = ttl.compareTo(leaseTtl) < 0;
            leaseTtl = ttl;
            if (shorter) {
                synchronized (beat) {
                    beat.notifyAll();
                }
            }
        }
    }

    /** A third of the lease TTL, so two heartbeats may be lost before a lease expires. */
    Duration heartbeatInterval() {
        Duration third = leaseTtl.dividedBy(3);
        if (third.compareTo(maxHeartbeatInterval) > 0) {
            return maxHeartbeatInterval;
        }
        return third.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : third;
    }

    // --- stopping ---------------------------------------------------------------------------------------------

    private void requestDrain(String why) {
        if (phase.compareAndSet(Phase.RUNNING, Phase.DRAINING)) {
            LOG.log(Level.INFO, "draining ({0}): no new work; waiting up to {1} s for {2} step(s) in flight", why,
                    drainTimeout.toSeconds(), active.size());
            Thread p = poller;
            if (p != null) {
                p.interrupt(); // ends a long-poll at once
            }
            Thread.ofVirtual().name("edge-drain").start(this::awaitIdleThenStop);
        } else if (phase.compareAndSet(Phase.NEW, Phase.STOPPED)) {
            finish(Stop.DRAINED);
        }
    }

    private void awaitIdleThenStop() {
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        synchronized (idle) {
            while (!active.isEmpty() && phase.get() == Phase.DRAINING) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    break;
                }
                try {
                    idle.wait(Math.min(left, 500));
                } catch (InterruptedException e) {
                    break;
                }
            }
        }
        if (!active.isEmpty()) {
            LOG.log(Level.WARNING, "drain bound of {0} s passed; abandoning {1} step(s): their leases expire and "
                    + "the server offers them again", drainTimeout.toSeconds(), active.size());
        }
        finish(Stop.DRAINED);
    }

    /** The server refused our token: stop at once. */
    void unauthorised() {
        if (phase.get() != Phase.STOPPED) {
            LOG.log(Level.ERROR, "the server refused this edge''s credentials (401): edge {0} was revoked or is "
                    + "unknown there. Enrol again with --enroll TOKEN", identity.edgeId());
            finish(Stop.REVOKED);
        }
    }

    private void finish(Stop reason) {
        Phase before = phase.getAndSet(Phase.STOPPED);
        for (ActiveStep step : active.values()) {
            step.abandon();
        }
        reporter.stop();
        for (Thread t : new Thread[] {poller, heartbeater}) {
            if (t != null && t != Thread.currentThread()) {
                t.interrupt();
            }
        }
        if (before != Phase.STOPPED || !stopped.isDone()) {
            if (stopped.complete(reason)) {
                LOG.log(Level.INFO, "edge stopped: {0}", reason.name().toLowerCase(java.util.Locale.ROOT));
            }
        }
    }

    EdgeIdentity identity() {
        return identity;
    }

    EdgeClient client() {
        return client;
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot remove work folder {0}: {1}", dir, e.getMessage());
        }
    }

    // --- builder ------------------------------------------------------------------------------------------------

    /** Configures an {@link Edge}. Only the identity is required. */
    public static final class Builder {
        private final EdgeIdentity identity;
        private final Map<String, Handler> handlers = new LinkedHashMap<>();
        private java.net.URI server;
        private EdgeClient client;
        private int capacity;
        private Path workRoot;
        private Clock clock = Clock.systemUTC();
        private Duration drainTimeout = Duration.ofSeconds(60);
        private Duration maxHeartbeatInterval = Duration.ofSeconds(10);
        private Sleeper sleeper = Sleeper.REAL;
        private Duration gather = GATHER;
        private int prefetch;

        private Builder(EdgeIdentity identity) {
            this.identity = Objects.requireNonNull(identity, "identity");
            this.server = identity.server();
        }

        /** Adds a handler; its {@link Handler#name()} is what steps ask for. */
        public Builder handler(Handler handler) {
            if (handlers.putIfAbsent(handler.name(), handler) != null) {
                throw new IllegalArgumentException("two handlers are named " + handler.name());
            }
            return this;
        }

        public Builder handlers(List<? extends Handler> list) {
            list.forEach(this::handler);
            return this;
        }

        /** Talks to this server instead of the one in the identity (the server moved). */
        public Builder server(java.net.URI url) {
            this.server = Objects.requireNonNull(url);
            return this;
        }

        /** Steps run at once (default: the capacity enrolled with). */
        public Builder capacity(int slots) {
            if (slots < 1) {
                throw new IllegalArgumentException("capacity must be at least 1");
            }
            this.capacity = slots;
            return this;
        }

        /**
         * Steps this edge may lease beyond its free slots, to wait for one (default 0). Used only while its
         * recent steps ran shorter than {@link Prefetch#SHORT}, and only as many as its slots get through in
         * that time: one claim then carries more steps (ADR 0038, 0039). The server allows up to
         * {@link #mostPrefetch}.
         */
        public Builder prefetch(int steps) {
            if (steps < 0) {
                throw new IllegalArgumentException("prefetch must be 0 or more");
            }
            this.prefetch = steps;
            return this;
        }

        /** Parent of the per-step work folders (default: a temporary folder). */
        public Builder workRoot(Path dir) {
            this.workRoot = dir;
            return this;
        }

        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c);
            return this;
        }

        /** How long a drain waits for in-flight steps before abandoning them (default 60 s). */
        public Builder drainTimeout(Duration timeout) {
            this.drainTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** Upper bound of the heartbeat interval (default 10 s; otherwise a third of the lease TTL). */
        public Builder maxHeartbeatInterval(Duration interval) {
            this.maxHeartbeatInterval = Objects.requireNonNull(interval);
            return this;
        }

        /** How long a lease request waits for more slots to free while steps run (tests widen it). */
        Builder gather(Duration window) {
            this.gather = Objects.requireNonNull(window);
            return this;
        }

        /** For tests: waits between retries that are recorded rather than slept through. */
        Builder sleeper(Sleeper s) {
            this.sleeper = Objects.requireNonNull(s);
            return this;
        }

        /** For tests: a client of one's own (e.g. against a fake server). */
        Builder client(EdgeClient c) {
            this.client = c;
            return this;
        }

        public Edge build() {
            if (handlers.isEmpty()) {
                throw new IllegalStateException("an edge needs at least one handler");
            }
            if (workRoot == null) {
                try {
                    workRoot = Files.createTempDirectory("octvex-edge-");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException("cannot create a work folder", e);
                }
            }
            return new Edge(this);
        }
    }

    /** Lists the steps in flight (for diagnostics and tests). */
    List<UUID> activeStepIds() {
        return new ArrayList<>(active.keySet());
    }
}
