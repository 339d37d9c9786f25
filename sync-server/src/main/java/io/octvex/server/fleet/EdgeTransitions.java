package io.octvex.server.fleet;

import static io.octvex.protocol.EdgeState.*;

import io.octvex.protocol.EdgeState;
import io.octvex.server.web.ApiException;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The one place that says which edge state may follow which. Quarantined and draining edges get no new
 * leases (in-flight work continues) and return to active when released; revoked is final.
 */
final class EdgeTransitions {
    private static final Map<EdgeState, Set<EdgeState>> ALLOWED = new EnumMap<>(Map.of(
            ACTIVE, EnumSet.of(QUARANTINED, DRAINING, REVOKED),
            QUARANTINED, EnumSet.of(ACTIVE, DRAINING, REVOKED),
            DRAINING, EnumSet.of(ACTIVE, QUARANTINED, REVOKED),
            REVOKED, EnumSet.noneOf(EdgeState.class)));

    private EdgeTransitions() {}

    static boolean allowed(EdgeState from, EdgeState to) {
        return ALLOWED.get(from).contains(to);
    }

    static void check(EdgeState from, EdgeState to) {
        if (!allowed(from, to)) {
            throw ApiException.conflict("an edge that is " + from.wire() + " cannot become " + to.wire()
                    + (from == REVOKED ? "; a revoked edge must enrol again" : ""));
        }
    }
}
