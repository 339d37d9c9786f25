package io.octvex.server.run;

import static io.octvex.protocol.RunStatus.*;

import io.octvex.protocol.RunStatus;
import io.octvex.server.web.ApiException;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The one place that says which run status may follow which. Terminal statuses have no successors.
 * Documented (with a diagram) in {@code docs/run-state-machine.md}; keep the two in step.
 */
final class RunTransitions {
    private static final Map<RunStatus, Set<RunStatus>> ALLOWED = table();

    private RunTransitions() {}

    private static Map<RunStatus, Set<RunStatus>> table() {
        Map<RunStatus, Set<RunStatus>> t = new EnumMap<>(RunStatus.class);
        t.put(PLANNING, EnumSet.of(QUEUED, FAILED, CANCELLED));
        t.put(QUEUED, EnumSet.of(RUNNING, BLOCKED, CANCELLED, FAILED));
        t.put(RUNNING, EnumSet.of(BLOCKED, COMPLETED, FAILED, CANCELLED));
        t.put(BLOCKED, EnumSet.of(RUNNING, FAILED, CANCELLED));
        t.put(COMPLETED, EnumSet.noneOf(RunStatus.class));
        t.put(FAILED, EnumSet.noneOf(RunStatus.class));
        t.put(CANCELLED, EnumSet.noneOf(RunStatus.class));
        return t;
    }

    static boolean allowed(RunStatus from, RunStatus to) {
        return ALLOWED.get(from).contains(to);
    }

    /** The statuses that may follow {@code from}; empty for terminal ones. */
    static Set<RunStatus> successors(RunStatus from) {
        return Set.copyOf(ALLOWED.get(from));
    }

    /** Refuses an illegal transition with 409, naming both statuses. */
    static void check(RunStatus from, RunStatus to) {
        if (!allowed(from, to)) {
            throw ApiException.conflict("a run that is " + from.wire() + " cannot become " + to.wire()
                    + (ALLOWED.get(from).isEmpty() ? "; it is finished"
                    : "; from " + from.wire() + " it may become " + wires(ALLOWED.get(from))));
        }
    }

    private static String wires(Set<RunStatus> statuses) {
        return String.join(", ", statuses.stream().map(RunStatus::wire).toList());
    }
}
