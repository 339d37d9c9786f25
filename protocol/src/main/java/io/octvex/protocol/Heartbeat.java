package io.octvex.protocol;

import java.util.List;

/**
 * An edge's pulse: the leases it still works on (extended when still its own), its free slots, and the
 * round-trip time it measured for its previous heartbeat (feeds the latency score).
 */
public record Heartbeat(List<LeaseRef> leases, int freeSlots, Long lastRoundTripMillis) {}
