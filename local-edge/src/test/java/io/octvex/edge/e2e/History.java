package io.octvex.edge.e2e;

import io.octvex.protocol.EventPage;
import io.octvex.protocol.EventView;
import io.octvex.protocol.OctvexClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A workspace's audit log read back through the API, as a history of lease grants ({@code step.placed}),
 * lease ends and completions, checked for the invariants that must hold whatever was killed: leases of a step
 * never overlap, epochs only grow, a step completes at most once, an approval ends at most once.
 * The log is written in the transaction of each change and ordered by {@code seq}, so it is the server's own
 * account of what it acknowledged.
 */
record History(List<EventView> events) {
    private static final Set<String> APPROVAL_ENDS =
            Set.of("approval.approved", "approval.denied", "approval.expired", "approval.cancelled");

    static History read(OctvexClient admin, UUID workspace) {
        List<EventView> all = new ArrayList<>();
        long after = 0;
        while (true) {
            EventPage page = admin.events(workspace, after, 1000);
            all.addAll(page.events());
            after = page.lastSeq();
            if (!page.more() || page.events().isEmpty()) {
                return new History(all);
            }
        }
    }

    List<EventView> ofType(String type) {
        return events.stream().filter(e -> e.type().equals(type)).toList();
    }

    /** Steps that moved to {@code completed}, with how often each did. */
    Map<UUID, Integer> completions() {
        Map<UUID, Integer> counts = new LinkedHashMap<>();
        for (EventView e : events) {
            if (isStepMove(e) && "completed".equals(e.data().path("to").asString(null))) {
                counts.merge(e.stepId(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /**
     * Every violation of the lease invariants, as text (empty when the history is sound): a grant while the
     * step's previous lease had not ended, an epoch that does not grow, a completion outside a lease.
     */
    List<String> leaseViolations() {
        Map<UUID, Long> liveEpoch = new LinkedHashMap<>(); // the step's valid lease, while one is valid
        Map<UUID, Long> lastEpoch = new LinkedHashMap<>();
        List<String> violations = new ArrayList<>();
        for (EventView e : events) {
            UUID step = e.stepId();
            switch (e.type()) {
                case "step.placed" -> {
                    long epoch = e.data().path("epoch").asLong();
                    if (liveEpoch.containsKey(step)) {
                        violations.add("seq " + e.seq() + ": step " + step + " leased at epoch " + epoch
                                + " while its lease at epoch " + liveEpoch.get(step) + " was still valid");
                    }
                    Long last = lastEpoch.get(step);
                    if (last != null && epoch <= last) {
                        violations.add("seq " + e.seq() + ": step " + step + " epoch " + epoch + " after " + last);
                    }
                    liveEpoch.put(step, epoch);
                    lastEpoch.put(step, epoch);
                }
                case "lease.expired" -> {
                    UUID expired = UUID.fromString(e.data().path("stepId").asString());
                    long epoch = e.data().path("epoch").asLong();
                    if (!Long.valueOf(epoch).equals(liveEpoch.remove(expired))) {
                        violations.add("seq " + e.seq() + ": lease of " + expired + " at epoch " + epoch
                                + " expired but was not the valid one");
                    }
                }
                case "step.transitioned" -> {
                    String from = e.data().path("from").asString(null);
                    String to = e.data().path("to").asString(null);
                    if ("running".equals(from) && !"blocked".equals(to)) {
                        if (liveEpoch.remove(step) == null && "completed".equals(to)) {
                            violations.add("seq " + e.seq() + ": step " + step + " completed without a valid lease");
                        }
                    }
                }
                default -> { }
            }
        }
        completions().forEach((step, n) -> {
            if (n != 1) {
                violations.add("step " + step + " completed " + n + " times");
            }
        });
        return violations;
    }

    /** Approvals that ended more than once (never expected). */
    Map<UUID, Integer> approvalEndings() {
        Map<UUID, Integer> ends = new LinkedHashMap<>();
        for (EventView e : events) {
            if (APPROVAL_ENDS.contains(e.type())) {
                ends.merge(UUID.fromString(e.data().path("approvalId").asString()), 1, Integer::sum);
            }
        }
        return ends;
    }

    private static boolean isStepMove(EventView e) {
        return e.type().equals("step.transitioned") && e.data() != null;
    }
}
