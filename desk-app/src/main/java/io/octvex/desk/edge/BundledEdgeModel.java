package io.octvex.desk.edge;

import io.octvex.desk.connect.DeskSession;
import io.octvex.desk.connect.Problems;
import io.octvex.edge.handler.Handler;
import io.octvex.edge.identity.EdgeIdentity;
import io.octvex.edge.lease.Edge;
import io.octvex.protocol.EdgeState;
import io.octvex.protocol.EdgeView;
import io.octvex.protocol.OctvexApiException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The bundled edge's life in the Desk: on (enrol if needed, then run an embedded {@link Edge}), off (ask the
 * server to drain it, let the running steps finish and report, then stop), and what the Settings section
 * shows. Actions are called on the FX thread; enrolment, the server calls and the drain wait run on {@code io};
 * state changes are published on {@code fx}. {@code wanted} is the switch, saved through {@code remember}.
 *
 * <p>The identity is in the Desk's encrypted store: while that is locked (or not set up) an edge switched on
 * waits, and {@link #unlocked()} starts it. Locking the store while the edge runs changes nothing for the running
 * edge: its identity is already in memory, and stopping it would cut the user's running steps (ADR 0029); the
 * next start, or a switch off and on, waits for an unlock again.
 */
final class BundledEdgeModel {
    private static final System.Logger LOG = System.getLogger(BundledEdgeModel.class.getName());
    /** How long running steps may take to finish when the edge is switched off or the Desk closes. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    enum Phase { OFF, WAITING_FOR_UNLOCK, WAITING_FOR_SIGN_IN, STARTING, ON, DRAINING, FAILED }

    private final VaultIdentityStore identities;
    private final EdgeEnroller enroller;
    private final Supplier<List<Handler>> handlers;
    private final Path workRoot;
    private final Executor io;
    private final Executor fx;
    private final Clock clock;
    private final Consumer<Boolean> remember;

    private final ReadOnlyBooleanWrapper wanted;
    private final ReadOnlyObjectWrapper<Phase> phase = new ReadOnlyObjectWrapper<>(Phase.OFF);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("Off.");
    private final ReadOnlyStringWrapper identity = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper connection = new ReadOnlyStringWrapper("");
    private final ObservableList<String> running = FXCollections.observableArrayList();

    /** Guarded by {@code this}: the edge while it runs (it closes its handlers when it stops). */
    private Edge edge;
    private volatile DeskSession session;
    /** Touched by {@link #refresh()} only (the timer thread): whether the last refresh had an edge to show. */
    private boolean showedEdge;
    /** The switch as the background threads read it ({@code wanted} is for the FX thread). */
    private volatile boolean on;
    /** Counts unlocks, so a start that found the store locked just before an unlock notices it. */
    private final AtomicInteger unlocks = new AtomicInteger();

    BundledEdgeModel(VaultIdentityStore identities, EdgeEnroller enroller, Supplier<List<Handler>> handlers, Path workRoot,
                     Executor io, Executor fx, Clock clock, boolean on, Consumer<Boolean> remember) {
        this.identities = identities;
        this.enroller = enroller;
        this.handlers = handlers;
        this.workRoot = workRoot;
        this.io = io;
        this.fx = fx;
        this.clock = clock;
        this.remember = remember;
        this.wanted = new ReadOnlyBooleanWrapper(on);
        this.on = on;
    }

    ReadOnlyBooleanProperty wantedProperty() {
        return wanted.getReadOnlyProperty();
    }

    ReadOnlyObjectProperty<Phase> phaseProperty() {
        return phase.getReadOnlyProperty();
    }

    /** One sentence: what the edge is doing, or why it is not. */
    ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** Who the edge is: name, id, labels, where its identity is kept. */
    ReadOnlyStringProperty identityProperty() {
        return identity.getReadOnlyProperty();
    }

    /** Connected or not, and how many slots are busy. */
    ReadOnlyStringProperty connectionProperty() {
        return connection.getReadOnlyProperty();
    }

    /** The steps running on it now, one line each. */
    ObservableList<String> running() {
        return running;
    }

    /** At Desk start: runs the enrolled edge when the switch was left on; enrolling waits for a sign-in. */
    void started() {
        if (wanted.get()) {
            begin(null);
        }
    }

    /** A user signed in: if the switch is on and the edge is not running yet, it may now enrol. */
    void signedIn(DeskSession signedIn) {
        session = signedIn;
        if (wanted.get() && (phase.get() == Phase.WAITING_FOR_SIGN_IN || phase.get() == Phase.FAILED)) {
            begin(signedIn);
        }
    }

    /** The Desk's secrets were unlocked (or set up): an edge waiting for them starts now. */
    void unlocked() {
        unlocks.incrementAndGet();
        if (wanted.get() && phase.get() == Phase.WAITING_FOR_UNLOCK) {
            begin(session);
        }
    }

    /** The switch, turned on in the Settings of {@code by}'s session. */
    void turnOn(DeskSession by) {
        session = by;
        if (wanted.get() && (phase.get() == Phase.STARTING || phase.get() == Phase.ON)) {
            return;
        }
        wanted.set(true);
        on = true;
        remember.accept(true);
        begin(by);
    }

    /** The switch, turned off: drain first, then stop. */
    void turnOff(DeskSession by) {
        if (!wanted.get()) {
            return;
        }
        wanted.set(false);
        on = false;
        remember.accept(false);
        Edge current;
        synchronized (this) {
            current = edge;
        }
        if (current == null) {
            set(Phase.OFF, "Off.");
            return;
        }
        set(Phase.DRAINING, "Draining: no new steps; waiting for " + current.status().activeSteps()
                + " running step(s) to finish (at most " + DRAIN_TIMEOUT.toSeconds() + " s).");
        io.execute(() -> drain(current, by));
    }

    private void begin(DeskSession by) {
        set(Phase.STARTING, by == null ? "Starting the enrolled edge…" : "Starting…");
        io.execute(() -> {
            try {
                start(by);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "the bundled edge did not start: {0}", e.toString());
                String said = e instanceof IllegalStateException ? e.getMessage() : Problems.describe(e);
                fx.execute(() -> set(Phase.FAILED, "Not running: " + said));
            }
        });
    }

    /** On {@code io}: wait for the store, enrol when needed, then start the edge unless switched off meanwhile. */
    private void start(DeskSession requested) {
        int seen = unlocks.get();
        String waiting = identities.waitingReason();
        if (waiting != null) {
            fx.execute(() -> {
                set(Phase.WAITING_FOR_UNLOCK, waiting);
                if (unlocks.get() != seen) {
                    unlocked(); // it came while this was looking (then it saw STARTING and did nothing)
                }
            });
            return;
        }
        EdgeIdentity id = identities.load().orElse(null);
        DeskSession by = id == null && requested == null ? session : requested; // signed in while this was starting
        if (id == null && by == null) {
            fx.execute(() -> set(Phase.WAITING_FOR_SIGN_IN, "On: sign in to enrol this machine in a workspace."));
            return;
        }
        List<Handler> list = handlers.get(); // fresh ones: a stopped edge closed its own
        if (by != null) {
            id = fitting(by, id, list);
        }
        Edge built = Edge.builder(id).handlers(list).capacity(EdgeEnroller.CAPACITY)
                .prefetch(Edge.mostPrefetch(EdgeEnroller.CAPACITY)).workRoot(workRoot)
                .drainTimeout(DRAIN_TIMEOUT).clock(clock).build();
        synchronized (this) {
            if (!on || edge != null) {
                built.close(); // switched off (or started twice) while enrolling: closes its handlers
                return;
            }
            edge = built;
        }
        built.start();
        built.stopped().thenAccept(stop -> stopped(built, stop));
        String who = "Enrolled as " + id.name() + " (edge " + id.edgeId() + ") with labels " + labelText()
                + ". Identity: in " + identities.location() + ".";
        fx.execute(() -> {
            identity.set(who);
            set(Phase.ON, "On: taking steps for this machine.");
        });
    }

    /** The stored identity when it serves this session's workspace on this server, else a fresh enrolment. */
    private EdgeIdentity fitting(DeskSession by, EdgeIdentity stored, List<Handler> list) {
        var ws = by.workspace().id();
        if (stored != null && stored.server().equals(by.client().baseUri()) && stored.workspaceIds().contains(ws)) {
            try {
                EdgeView seen = by.client().edge(ws, stored.edgeId());
                if (seen.state() == EdgeState.DRAINING) {
                    by.client().releaseEdge(ws, stored.edgeId()); // switched off earlier: back to active
                }
                if (seen.state() != EdgeState.REVOKED) {
                    return stored;
                }
            } catch (OctvexApiException e) {
                if (e.status() != 404) {
                    return stored; // e.g. 403: this user may not look at edges; the edge finds out itself
                }
            }
        }
        fx.execute(() -> status.set("Enrolling this machine in " + by.workspace().name() + "…"));
        return enroller.enrol(by, list);
    }

    /** On {@code io}: tell the server (so it places nothing more here and shows it draining), drain, stop. */
    private void drain(Edge current, DeskSession by) {
        String server = "";
        DeskSession who = by != null ? by : session;
        if (who != null) {
            try {
                who.client().drainEdge(who.workspace().id(), current.edgeId());
            } catch (RuntimeException e) {
                server = " The server was not told (" + Problems.describe(e) + "); it sees the edge go silent.";
            }
        }
        int steps = current.status().activeSteps();
        current.drain();
        try {
            current.stopped().get(DRAIN_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        String said = "Off: drained" + (steps == 0 ? "." : " after " + steps + " running step(s).") + server;
        fx.execute(() -> {
            if (!wanted.get()) {
                set(Phase.OFF, said);
            }
        });
    }

    /** The edge stopped by itself (drain, a server drain, a revocation) or was stopped here. */
    private void stopped(Edge which, Edge.Stop stop) {
        synchronized (this) {
            if (edge != which) {
                return;
            }
            edge = null;
        }
        which.close();
        if (stop == Edge.Stop.REVOKED) {
            try {
                identities.delete(); // a revoked identity is useless: the next switch-on enrols anew
            } catch (IllegalStateException e) {
                LOG.log(Level.WARNING, "the revoked edge''s identity stays in the Desk''s store: {0}", e.getMessage());
            }
            fx.execute(() -> set(Phase.FAILED, "Stopped: the server refused this edge (revoked or unknown). "
                    + "Switch it off and on to enrol again."));
        } else {
            fx.execute(() -> {
                if (wanted.get()) {
                    set(Phase.OFF, "Stopped: the server drained this edge (see Fleet). Switch it off and on to "
                            + "start it again.");
                }
            });
        }
    }

    /** Every second while on: connection, busy slots and the running steps, from the edge's own state. */
    void refresh() {
        Edge current;
        synchronized (this) {
            current = edge;
        }
        if (current == null) {
            if (showedEdge) {
                showedEdge = false;
                fx.execute(running::clear);
            }
            return;
        }
        showedEdge = true;
        Edge.Status s = current.status();
        List<String> lines = current.running().stream()
                .map(r -> r.stepKey() + " · " + r.handler() + " · run " + r.runId() + " (attempt " + r.attempt() + ")")
                .toList();
        String conn = (s.connected() ? "Connected to " : "Connecting to ") + current.server() + " · "
                + s.activeSteps() + " of " + s.capacity() + (s.capacity() == 1 ? " slot" : " slots") + " busy"
                + (s.serverState() == null ? "" : " · the server lists it as " + s.serverState().wire());
        fx.execute(() -> {
            connection.set(conn);
            if (!running.equals(lines)) {
                running.setAll(lines);
            }
        });
    }

    /** At Desk exit: drain (bounded) and stop; the switch stays as it is, so the edge starts with the Desk. */
    void close() {
        Edge current;
        synchronized (this) {
            current = edge;
            edge = null;
        }
        if (current != null) {
            current.close();
        }
    }

    private static String labelText() {
        Map<String, String> sorted = new TreeMap<>(EdgeEnroller.labels());
        return String.join(", ", sorted.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    private void set(Phase next, String text) {
        phase.set(next);
        status.set(text);
        if (next != Phase.ON && next != Phase.DRAINING) {
            connection.set("");
        }
    }
}
