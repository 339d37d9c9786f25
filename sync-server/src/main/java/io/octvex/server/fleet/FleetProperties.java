package io.octvex.server.fleet;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the edge fleet ({@code octvex.fleet.*}).
 *
 * @param leaseTtl          how long a lease lasts without a heartbeat (default 30 s)
 * @param maxArtifactSize   the largest artifact an edge may upload (default 5 MiB; larger answers 413)
 * @param sweepInterval     how often the lease sweeper looks for expired leases (default 1 s)
 * @param quarantineAfter   consecutive failures (lost leases, failed steps) after which an edge is quarantined (default 3)
 * @param liveWindow        an edge not heard from for longer is not live: not healthy, not a placement candidate (default 30 s)
 * @param placementGrace    how long a step waits for its best-scoring live edge before any eligible edge may take it (default 2 s)
 * @param pollInterval      long-poll fallback: a waiting lease request looks again this often without a notification (default 2 s)
 * @param localEdge         leave a single-use enrolment token for this machine's own edge ({@code ./octvex up} sets it)
 */
@ConfigurationProperties("octvex.fleet")
public record FleetProperties(Duration leaseTtl, DataSize maxArtifactSize, Duration sweepInterval,
                              Integer quarantineAfter, Duration liveWindow, Duration placementGrace,
                              Duration pollInterval, boolean localEdge) {
    public FleetProperties {
        leaseTtl = leaseTtl != null ? leaseTtl : Duration.ofSeconds(30);
        maxArtifactSize = maxArtifactSize != null ? maxArtifactSize : DataSize.ofMegabytes(5);
        sweepInterval = sweepInterval != null ? sweepInterval : Duration.ofSeconds(1);
        quarantineAfter = quarantineAfter != null ? quarantineAfter : 3;
        liveWindow = liveWindow != null ? liveWindow : Duration.ofSeconds(30);
        placementGrace = placementGrace != null ? placementGrace : Duration.ofSeconds(2);
        pollInterval = pollInterval != null ? pollInterval : Duration.ofSeconds(2);
    }
}
