package io.octvex.server.fleet;

import io.octvex.protocol.EdgeState;
import io.octvex.protocol.LeaseRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Placement: hard constraints first (the edge serves the step's workspace, is active and live, runs its
 * handler, carries every required label, has a free slot or room under its {@link #leaseLimit} for a
 * prefetched step), then a score in [0, 1], the weighted sum of
 * <ul>
 *   <li>capacity (0.30): free slots / capacity;</li>
 *   <li>affinity (0.25): share of the step's {@code prefer} labels the edge carries (1 when none are asked);</li>
 *   <li>latency (0.15): 100 / (100 + measured heartbeat round trip in ms); 0.5 when not measured yet;</li>
 *   <li>health (0.20): heartbeat freshness (1 up to a third of the live window, falling to 0 at its end)
 *       divided by (1 + consecutive failures);</li>
 *   <li>fitness (0.10): 1 / number of workspaces the edge serves (a dedicated edge is a better fit).</li>
 * </ul>
 * Each component is rounded to three decimals and the score is computed from the rounded components, so a
 * recorded breakdown always adds up to its score. Spring-free and pure: tests call it directly.
 */
final class PlacementScorer {
    static final double W_CAPACITY = 0.30;
    static final double W_AFFINITY = 0.25;
    static final double W_LATENCY = 0.15;
    static final double W_HEALTH = 0.20;
    static final double W_FITNESS = 0.10;

    private final Duration liveWindow;

    PlacementScorer(Duration liveWindow) {
        this.liveWindow = liveWindow;
    }

    /** What placement needs to know about a step. */
    record StepNeeds(UUID workspaceId, String handler, Map<String, String> require, Map<String, String> prefer) {}

    /** An edge with its current load. */
    record Candidate(FleetStore.EdgeRow edge, int activeLeases) {
        int free() {
            return Math.max(0, edge.capacity() - activeLeases);
        }
    }

    /** {@code freeSlot}: the edge could start the step now; an edge without one would prefetch it. */
    record Score(UUID edgeId, String edgeName, double score, Map<String, Double> breakdown, boolean freeSlot) {
        Map<String, Object> toData() {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("edgeId", edgeId.toString());
            data.put("edgeName", edgeName);
            data.put("score", score);
            data.put("breakdown", breakdown);
            return data;
        }
    }

    boolean live(FleetStore.EdgeRow edge, Instant now) {
        return edge.lastSeenAt() != null && !edge.lastSeenAt().isBefore(now.minus(liveWindow));
    }

    /** The hard constraints apart from liveness and load: could this edge ever run the step? */
    static boolean fits(FleetStore.EdgeRow edge, StepNeeds step) {
        return edge.state() == EdgeState.ACTIVE && edge.workspaceIds().contains(step.workspaceId())
                && edge.capabilities().contains(step.handler())
                && step.require().entrySet().stream().allMatch(r -> r.getValue().equals(edge.labels().get(r.getKey())));
    }

    /** Every hard constraint, including room under the lease limit and liveness. */
    boolean eligible(Candidate c, StepNeeds step, Instant now) {
        return fits(c.edge(), step) && c.activeLeases() < leaseLimit(c.edge().capacity()) && live(c.edge(), now);
    }

    Score score(Candidate c, StepNeeds step, Instant now) {
        FleetStore.EdgeRow e = c.edge();
        double capacity = round((double) c.free() / e.capacity());
        long matches = step.prefer().entrySet().stream()
                .filter(p -> p.getValue().equals(e.labels().get(p.getKey()))).count();
        double affinity = round(step.prefer().isEmpty() ? 1.0 : (double) matches / step.prefer().size());
        double latency = round(e.latencyMillis() == null ? 0.5 : 100.0 / (100.0 + Math.max(0, e.latencyMillis())));
        double health = round(freshness(e, now) / (1.0 + e.consecutiveFailures()));
        double fitness = round(1.0 / Math.max(1, e.workspaceIds().size()));
        Map<String, Double> breakdown = new LinkedHashMap<>();
        breakdown.put("capacity", capacity);
        breakdown.put("affinity", affinity);
        breakdown.put("latency", latency);
        breakdown.put("health", health);
        breakdown.put("fitness", fitness);
        double score = round(W_CAPACITY * capacity + W_AFFINITY * affinity + W_LATENCY * latency
                + W_HEALTH * health + W_FITNESS * fitness);
        return new Score(e.id(), e.name(), score, breakdown, c.free() > 0);
    }

    /**
     * The leases an edge of {@code capacity} slots may hold: one per slot, and up to 7 more per slot for steps
     * it prefetches, which wait on the edge for a slot (ADR 0038, 0039). The edge decides how many it asks for.
     */
    static int leaseLimit(int capacity) {
        return LeaseRequest.LEASES_PER_SLOT * capacity;
    }

    /**
     * The eligible candidates' scores, best first: every edge with a free slot before any without one (which
     * would prefetch the step, ADR 0038), then by score (ties: the longer-enrolled edge first, then by id). So a
     * step waits on a busy edge only when no edge could start it now, or when the edges that could have left
     * it for longer than the grace period.
     */
    List<Score> rank(List<Candidate> candidates, StepNeeds step, Instant now) {
        List<Score> scores = new ArrayList<>();
        Map<UUID, FleetStore.EdgeRow> byId = new LinkedHashMap<>();
        for (Candidate c : candidates) {
            if (eligible(c, step, now)) {
                scores.add(score(c, step, now));
                byId.put(c.edge().id(), c.edge());
            }
        }
        scores.sort(Comparator.<Score, Boolean>comparing(Score::freeSlot).reversed()
                .thenComparing(Comparator.comparingDouble(Score::score).reversed())
                .thenComparing(s -> byId.get(s.edgeId()).enrolledAt())
                .thenComparing(Score::edgeId));
        return scores;
    }

    private double freshness(FleetStore.EdgeRow e, Instant now) {
        Instant last = e.lastHeartbeatAt() != null && e.lastHeartbeatAt().isAfter(e.lastSeenAt())
                ? e.lastHeartbeatAt() : e.lastSeenAt();
        double age = Math.max(0, Duration.between(last, now).toMillis());
        double full = liveWindow.toMillis() / 3.0;
        if (age <= full) {
            return 1.0;
        }
        return Math.max(0, 1.0 - (age - full) / (liveWindow.toMillis() - full));
    }

    static double round(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }
}
