package io.octvex.protocol;

import java.time.Instant;
import java.util.List;

/** Which leases were extended (to {@code expiresAt}) and which are lost: the edge must stop those at once. */
public record HeartbeatAck(List<LeaseRef> extended, List<LeaseRef> lost, Instant expiresAt, EdgeState state) {}
