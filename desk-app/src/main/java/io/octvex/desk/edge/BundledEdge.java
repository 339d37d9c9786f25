package io.octvex.desk.edge;

import io.octvex.desk.connect.DeskSession;
import io.octvex.desk.unlock.DeskVault;
import io.octvex.edge.EdgeMain;
import io.octvex.edge.identity.IdentityFile;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javafx.scene.Node;
import javafx.scene.control.Label;

/**
 * The Desk's bundled local edge: the {@code local-edge} library running inside the Desk (ADR 0029), enrolled
 * for the signed-in user's workspace with {@code host=<this machine>}, so steps pinned to this machine run
 * here. Its identity (edge token and sealing private key) is an entry of the Desk's encrypted store
 * ({@link VaultIdentityStore}), so the edge waits while that store is locked; its browser sandboxes and work
 * folders are under {@code <data dir>/edge/}.
 *
 * <p>The Desk creates one at start ({@link #started()} runs it when the switch was left on), tells it about each
 * sign-in ({@link #signedIn}), embeds {@link #view} in Settings and closes it at exit (a bounded drain).
 */
public final class BundledEdge implements AutoCloseable {
    private final BundledEdgeModel model;
    private final ScheduledFuture<?> ticks;

    private BundledEdge(BundledEdgeModel model, ScheduledFuture<?> ticks) {
        this.model = model;
        this.ticks = ticks;
    }

    /**
     * @param dataDir  the Desk's data folder; null: no bundled edge (the Settings section says so)
     * @param vault    the Desk's secret store in that folder, which keeps the edge's identity
     * @param on       the saved switch
     * @param remember saves the switch (desk.properties) when the user flips it
     */
    public static BundledEdge create(Path dataDir, DeskVault vault, boolean on, Consumer<Boolean> remember, Executor io, Executor fx,
                                     ScheduledExecutorService timer, Clock clock) {
        if (dataDir == null || vault == null) {
            return new BundledEdge(null, null);
        }
        var legacy = new IdentityFile(dataDir); // where Desks before the store kept it: moved in, then deleted
        var identities = new VaultIdentityStore(vault, legacy);
        var model = new BundledEdgeModel(identities, new EdgeEnroller(identities, clock),
                () -> EdgeMain.handlers(dataDir), legacy.directory().resolve("work"), io, fx, clock, on, remember);
        return new BundledEdge(model, timer.scheduleWithFixedDelay(model::refresh, 1, 1, TimeUnit.SECONDS));
    }

    /** Runs the enrolled edge now if the switch was left on (enrolment, if needed, waits for a sign-in). */
    public void started() {
        if (model != null) {
            model.started();
        }
    }

    /** The Desk's secrets were unlocked or set up (FX thread): an edge waiting for them starts. */
    public void unlocked() {
        if (model != null) {
            model.unlocked();
        }
    }

    /** A user signed in to a workspace: an edge switched on but not yet enrolled enrols there. */
    public void signedIn(DeskSession session) {
        if (model != null) {
            model.signedIn(session);
        }
    }

    /** The Settings section: the switch, the status and the steps running here (FX thread). */
    public Node view(DeskSession session) {
        if (model == null) {
            return new Label("Not available: this Desk has no data folder for the edge's identity.");
        }
        return new BundledEdgeView(model, session);
    }

    /** Drains the edge (running steps get {@link BundledEdgeModel#DRAIN_TIMEOUT} to finish) and stops it. */
    @Override
    public void close() {
        if (model != null) {
            ticks.cancel(false);
            model.close();
        }
    }
}
