package io.octvex.protocol;

/**
 * A new version of a workspace's policy (YAML or JSON). It is compiled and its own tests run before it is
 * stored; {@code activate} (default true) makes it the one that decides.
 */
public record SavePolicy(String document, Boolean activate) {}
