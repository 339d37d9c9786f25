package io.octvex.server.fleet;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the auto-scaler ({@code octvex.fleet.autoscaler.*}); see docs/edges.md, "Auto-scaler".
 *
 * @param enabled           run the auto-scaler on this server (one replica at a time holds it)
 * @param id                the scaler's id: its edges register the label {@code octvex.autoscaled=<id>} (default {@code autoscaler})
 * @param backend           how edges are provisioned: {@code process}, {@code docker} or {@code external}
 * @param workspace         the workspace (id, or name) whose queue is watched; the scaler acts as its first owner
 * @param capability        the handlers whose queued steps count (default {@code noop})
 * @param min               edges kept even when idle (default 0)
 * @param max               at most this many provisioned edges (default 4)
 * @param scaleUpThreshold  queued steps per slot of the provisioned edges above which it scales up (default 1.0)
 * @param cooldown          the least time between two scaling actions (default 30 s)
 * @param interval          how often it looks (default 5 s)
 * @param idleBeforeDrain   an edge idle (no lease) this long may be drained (default 30 s)
 * @param edgeCapacity      {@code --capacity} of each provisioned edge (default 4)
 * @param startTimeout      a provisioned edge that has not enrolled after this long is no longer counted (default 2 min)
 * @param serverUrl         the URL edges reach this server at (default: http://127.0.0.1:<port>)
 * @param command           process: the edge command, e.g. {@code java -jar /opt/octvex/octvex-edge.jar};
 *                          external: the command that provisions an edge (split at white space, no quoting)
 * @param workDir           process: each edge gets {@code <workDir>/<name>} as its home (default {@code <home>/autoscaler})
 * @param image             docker: the edge image (its entry point is {@code octvex-edge})
 * @param docker            docker: the docker CLI (default {@code docker}, looked up on PATH)
 * @param network           docker: an optional {@code --network} for the containers
 */
@ConfigurationProperties("octvex.fleet.autoscaler")
public record AutoScalerProperties(boolean enabled, String id, Backend backend, String workspace,
                                   List<String> capability, Integer min, Integer max, Double scaleUpThreshold,
                                   Duration cooldown, Duration interval, Duration idleBeforeDrain,
                                   Integer edgeCapacity, Duration startTimeout, String serverUrl, String command,
                                   Path workDir, String image, String docker, String network) {
    public enum Backend { PROCESS, DOCKER, EXTERNAL }

    public AutoScalerProperties {
        id = id != null && !id.isBlank() ? id.strip() : "autoscaler";
        backend = backend != null ? backend : Backend.PROCESS;
        capability = capability != null && !capability.isEmpty() ? List.copyOf(capability) : List.of("noop");
        min = min != null ? min : 0;
        max = max != null ? max : 4;
        scaleUpThreshold = scaleUpThreshold != null ? scaleUpThreshold : 1.0;
        cooldown = cooldown != null ? cooldown : Duration.ofSeconds(30);
        interval = interval != null ? interval : Duration.ofSeconds(5);
        idleBeforeDrain = idleBeforeDrain != null ? idleBeforeDrain : Duration.ofSeconds(30);
        edgeCapacity = edgeCapacity != null ? edgeCapacity : 4;
        startTimeout = startTimeout != null ? startTimeout : Duration.ofMinutes(2);
        docker = docker != null && !docker.isBlank() ? docker : "docker";
    }

    /** The limits the scaling policy applies. */
    ScalingPolicy.Limits limits() {
        return new ScalingPolicy.Limits(min, max, scaleUpThreshold, edgeCapacity);
    }

    /** Refuses settings that cannot work, with what to set. */
    void check() {
        if (!id.matches("^[a-z0-9][a-z0-9._-]{0,40}$")) {
            throw new IllegalStateException("octvex.fleet.autoscaler.id must be 1 to 41 lower-case letters, digits,"
                    + " '.', '_' or '-', got '" + id + "'");
        }
        if (workspace == null || workspace.isBlank()) {
            throw new IllegalStateException("octvex.fleet.autoscaler.workspace must name the workspace (id or name)"
                    + " whose queue the auto-scaler watches");
        }
        if (min < 0 || max < 1 || min > max || max > 1000) {
            throw new IllegalStateException("octvex.fleet.autoscaler: need 0 <= min <= max, 1 <= max <= 1000; got min="
                    + min + ", max=" + max);
        }
        if (!(scaleUpThreshold > 0)) {
            throw new IllegalStateException("octvex.fleet.autoscaler.scale-up-threshold must be > 0, got "
                    + scaleUpThreshold);
        }
        if (edgeCapacity < 1 || edgeCapacity > 256) {
            throw new IllegalStateException("octvex.fleet.autoscaler.edge-capacity must be 1..256, got " + edgeCapacity);
        }
        switch (backend) {
            case PROCESS, EXTERNAL -> {
                if (command == null || command.isBlank()) {
                    throw new IllegalStateException("octvex.fleet.autoscaler.command is needed for the "
                            + backend.name().toLowerCase() + " backend");
                }
            }
            case DOCKER -> {
                if (image == null || image.isBlank()) {
                    throw new IllegalStateException("octvex.fleet.autoscaler.image is needed for the docker backend");
                }
            }
        }
    }
}
