package io.octvex.protocol;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * One step of a submitted run. {@code key} names the step within its run; {@code dependsOn} lists the keys
 * that must complete first. {@code handler} (http, browser, child_run, …) and {@code action} say what runs;
 * {@code placement} says where it may run and {@code retry} how often it is offered again after a lost edge.
 */
public record StepSpec(String key, String handler, String action, JsonNode input, List<String> dependsOn,
                       Placement placement, RetryPolicy retry) {

    public StepSpec(String key, String handler, String action, JsonNode input, List<String> dependsOn) {
        this(key, handler, action, input, dependsOn, null, null);
    }
}
