package io.octvex.protocol;

/**
 * A draft policy (YAML or JSON) to replay the workspace's {@code last} recorded gate decisions under
 * (1 to 1000, default 100). It is compiled as a save would, but nothing is stored.
 */
public record DryRunPolicy(String document, Integer last) {}
