package io.octvex.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A hypothetical action to explain: who (by default the caller, or a member named by {@code principal}),
 * what, on which resource, and when (default now). The policy's own tests use the same shape. {@code arguments}
 * are a tool call's ({@code mcp.call}), as conditions see them in {@code request.arguments}.
 */
public record PolicyInput(String principal, String action, String resource, String method,
                          List<String> headerNames, Integer runDepth, String persona, Map<String, String> labels,
                          Instant at, Map<String, Object> arguments) {

    public PolicyInput(String principal, String action, String resource, String method, List<String> headerNames,
                       Integer runDepth, String persona, Map<String, String> labels, Instant at) {
        this(principal, action, resource, method, headerNames, runDepth, persona, labels, at, null);
    }
}
