package io.octvex.server.run;

import static io.octvex.protocol.StepStatus.*;

import io.octvex.protocol.StepStatus;
import io.octvex.server.web.ApiException;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The one place that says which step status may follow which. {@code running → queued} is the re-offer of a
 * step whose worker lost its lease (the step's attempt goes up by one). The policy gate, before a step is
 * leased, may hold it for approval ({@code queued → blocked}), refuse it ({@code queued → failed}) or, once
 * approved, offer it again in place ({@code blocked → queued}, same attempt). Terminal statuses have no
 * successors.
 * Documented (with a diagram) in {@code docs/run-state-machine.md}; keep the two in step.
 */
final class StepTransitions {
    private static final Map<StepStatus, Set<StepStatus>> ALLOWED = table();

    private StepTransitions() {}

    private static Map<StepStatus, Set<StepStatus>> table() {
        Map<StepStatus, Set<StepStatus>> t = new EnumMap<>(StepStatus.class);
        t.put(PENDING, EnumSet.of(QUEUED, SKIPPED, CANCELLED));
        t.put(QUEUED, EnumSet.of(RUNNING, CANCELLED, SKIPPED, BLOCKED, FAILED));
        t.put(RUNNING, EnumSet.of(BLOCKED, COMPLETED, FAILED, CANCELLED, QUEUED));
        t.put(BLOCKED, EnumSet.of(RUNNING, FAILED, CANCELLED, QUEUED));
        t.put(COMPLETED, EnumSet.noneOf(StepStatus.class));
        t.put(FAILED, EnumSet.noneOf(StepStatus.class));
        t.put(CANCELLED, EnumSet.noneOf(StepStatus.class));
        t.put(SKIPPED, EnumSet.noneOf(StepStatus.class));
        return t;
    }

    static boolean allowed(StepStatus from, StepStatus to) {
        return ALLOWED.get(from).contains(to);
    }

    static Set<StepStatus> successors(StepStatus from) {
        return Set.copyOf(ALLOWED.get(from));
    }

    /** Refuses an illegal transition with 409, naming both statuses. */
    static void check(StepStatus from, StepStatus to) {
        if (!allowed(from, to)) {
            throw ApiException.conflict("a step that is " + from.wire() + " cannot become " + to.wire()
                    + (ALLOWED.get(from).isEmpty() ? "; it is finished"
                    : "; from " + from.wire() + " it may become " + wires(ALLOWED.get(from))));
        }
    }

    private static String wires(Set<StepStatus> statuses) {
        return String.join(", ", statuses.stream().map(StepStatus::wire).toList());
    }
}
