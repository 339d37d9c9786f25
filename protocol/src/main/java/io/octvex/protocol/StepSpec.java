package io.octvex.protocol;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * One step of a submitted run. {@code key} names the step within its run; {@code dependsOn} lists the keys
 * that must complete first. {@code handler} (http, browser, child_run, …) and {@code action} say what runs.
 */
public record StepSpec(String key, String handler, String action, JsonNode input, List<String> dependsOn) {}
