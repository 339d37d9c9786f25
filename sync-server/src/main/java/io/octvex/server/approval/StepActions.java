package io.octvex.server.approval;

import io.octvex.protocol.Json;
import io.octvex.protocol.StepView;
import io.octvex.server.credential.CredentialLeases;
import io.octvex.server.credential.CredentialUse;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

/**
 * The actions a step will perform, as the policy sees them: an {@code http} step is one
 * {@code http.request} (its method, URL and header names — never header values); a {@code browser} step
 * is a {@code browser.navigate} per distinct URL it goes to; an {@code mcp} step is one {@code mcp.call} (or
 * {@code mcp.list_tools}); any other handler is one {@code <handler>.run}.
 * A step whose input names vault secrets (an http step's {@code auth}, a browser step's secret fills) also
 * performs {@code credential.use} on {@code secret:<name>} for each.
 * Input the edge would refuse (a missing URL) is still decided here: the policy sees what was asked.
 */
final class StepActions {
    private StepActions() {}

    record Action(String action, String resource, String method, List<String> headerNames,
                  Map<String, Object> arguments) {
        Action(String action, String resource, String method, List<String> headerNames) {
            this(action, resource, method, headerNames, Map.of());
        }
    }

    static List<Action> of(StepView step) {
        List<Action> actions = new ArrayList<>(handlerActions(step));
        try { // using a secret is an action of its own: policy may limit which and for whom
            CredentialUse.of(step.handler(), step.input()).stream().map(CredentialUse::secret).distinct()
                    .forEach(secret -> actions.add(new Action(CredentialLeases.ACTION, "secret:" + secret, null,
                            List.of())));
        } catch (IllegalArgumentException malformed) {
            // the edge refuses the input and says why; no credential is leased for it
        }
        return actions;
    }

    private static List<Action> handlerActions(StepView step) {
        JsonNode input = step.input();
        return switch (step.handler()) {
            case "http" -> List.of(new Action("http.request", text(input.path("url")),
                    text(input.path("method")) == null ? "GET" : text(input.path("method")).toUpperCase(Locale.ROOT),
                    headerNames(input.path("headers"))));
            case "browser" -> browser(input);
            case "mcp" -> mcp(input);
            default -> List.of(new Action(step.handler() + ".run", null, null, List.of()));
        };
    }

    private static List<Action> browser(JsonNode input) {
        Set<String> urls = new LinkedHashSet<>();
        input.path("actions").forEach(a -> {
            String url = text(a.path("goto"));
            if (url != null) {
                urls.add(url);
            }
        });
        if (urls.isEmpty()) {
            return List.of(new Action("browser.run", null, null, List.of()));
        }
        return urls.stream().map(u -> new Action("browser.navigate", u, "GET", List.of())).toList();
    }

    /**
     * An {@code mcp} step (a downstream MCP server's tool call or discovery): {@code mcp.call} on
     * {@code <server>/<tool>} with the call's arguments for conditions, or {@code mcp.list_tools} on the server.
     */
    private static List<Action> mcp(JsonNode input) {
        String server = text(input.path("server").path("name"));
        if ("list_tools".equals(text(input.path("op")))) {
            return List.of(new Action("mcp.list_tools", server, null, List.of()));
        }
        Map<String, Object> arguments = input.path("arguments").isObject()
                ? Json.mapper().convertValue(input.path("arguments"), new TypeReference<Map<String, Object>>() {})
                : Map.of();
        return List.of(new Action("mcp.call", server + "/" + text(input.path("tool")), null, List.of(), arguments));
    }

    private static List<String> headerNames(JsonNode headers) {
        List<String> names = new ArrayList<>();
        if (headers.isObject()) {
            headers.propertyNames().forEach(names::add);
        }
        return names;
    }

    private static String text(JsonNode node) {
        return node.isString() && !node.asString().isBlank() ? node.asString().strip() : null;
    }
}
