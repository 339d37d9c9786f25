package io.octvex.server.policy;

import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.Role;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Everything a decision may look at: who asks, for what action on which resource, the request's shape (never
 * header values: they may hold secrets), the run, the time and the workspace.
 */
public record DecisionInput(Principal principal, String action, String resource, Request request, Run run,
                            Instant now, Workspace workspace) {

    /**
     * An input for one action: host and path come from the resource canonicalised as the policy matches it
     * (lower case, punycode, dot-segments resolved); a resource that is not a URL has neither.
     */
    public static DecisionInput of(Principal principal, String action, String resource, String method,
                                   List<String> headerNames, Run run, Instant now, Workspace workspace) {
        return of(principal, action, resource, method, headerNames, Map.of(), run, now, workspace);
    }

    /** As above, with the arguments of a tool call ({@code mcp.call}) that conditions may read. */
    public static DecisionInput of(Principal principal, String action, String resource, String method,
                                   List<String> headerNames, Map<String, Object> arguments, Run run, Instant now,
                                   Workspace workspace) {
        Target target = resource == null ? null : Target.parse(resource).target();
        return new DecisionInput(principal, action, resource,
                new Request(method == null ? null : method.toUpperCase(java.util.Locale.ROOT),
                        target == null ? null : target.host(), target == null ? null : target.path(),
                        headerNames == null ? List.of() : headerNames, arguments), run, now, workspace);
    }

    public record Principal(UUID id, String name, PrincipalKind kind, List<Role> roles) {}

    /** {@code arguments}: a tool call's arguments as given (empty for other actions). */
    public record Request(String method, String host, String path, List<String> headerNames,
                          Map<String, Object> arguments) {
        public Request {
            arguments = arguments == null ? Map.of() : arguments;
        }

        public Request(String method, String host, String path, List<String> headerNames) {
            this(method, host, path, headerNames, Map.of());
        }
    }

    public record Run(UUID id, int depth, String persona, Map<String, String> labels) {}

    public record Workspace(UUID id, String name) {}
}
