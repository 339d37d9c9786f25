package io.octvex.desk.edge;

import io.octvex.desk.connect.DeskSession;
import io.octvex.edge.EdgeMain;
import io.octvex.edge.handler.Handler;
import io.octvex.edge.identity.EdgeIdentity;
import io.octvex.edge.identity.Enrolment;
import io.octvex.edge.identity.IdentityStore;
import io.octvex.protocol.CreateEnrollment;
import io.octvex.protocol.IssuedEnrollment;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Enrols the bundled edge for the signed-in user's workspace: a single-use enrolment token made through the
 * API with the user's rights (workspace:admin), spent at once. The token lives only in this method's frame;
 * the identity (edge token and sealing key) goes to {@code store}: the Desk's encrypted store.
 */
final class EdgeEnroller {
    /** Steps the bundled edge runs at once: a laptop, not a build host. */
    static final int CAPACITY = 2;
    /** Marks the Desk's edge in the fleet besides the usual os, arch and host labels. */
    static final Map<String, String> DESK_LABEL = Map.of("desk", "bundled");
    private static final Duration TOKEN_LIFETIME = Duration.ofMinutes(10);

    private final IdentityStore store;
    private final Clock clock;

    EdgeEnroller(IdentityStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The labels the edge enrols with: os, arch, host=this machine, desk=bundled. */
    static Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>(Enrolment.defaultLabels());
        labels.putAll(DESK_LABEL);
        return labels;
    }

    /**
     * Enrols and stores the identity, replacing any earlier one.
     *
     * @throws io.octvex.protocol.OctvexApiException when the server refuses (e.g. 403 without workspace:admin)
     * @throws io.octvex.protocol.OctvexConnectionException when it cannot be reached
     */
    EdgeIdentity enrol(DeskSession session, List<Handler> handlers) {
        String host = Enrolment.hostname();
        IssuedEnrollment issued = session.client().createEnrollment(session.workspace().id(), new CreateEnrollment(
                "Desk on " + host, null, 1, clock.instant().plus(TOKEN_LIFETIME)));
        EdgeIdentity identity = Enrolment.enrol(session.client().baseUri(), issued.token(),
                new Enrolment.Request(host + " (Desk)", labels(), handlers.stream().map(Handler::name).toList(),
                        CAPACITY, EdgeMain.version()), clock);
        store.save(identity);
        return identity;
    }
}
