package io.octvex.protocol;

import java.util.List;

/** Leases granted (possibly none after the wait) and whether the edge has been told to drain. */
public record LeaseBatch(List<Lease> leases, boolean drain) {}
