package io.octvex.server.mcp;

import static io.octvex.server.mcp.McpTool.Schemas.integer;
import static io.octvex.server.mcp.McpTool.Schemas.object;
import static io.octvex.server.mcp.McpTool.Schemas.string;

import io.octvex.protocol.Json;
import io.octvex.protocol.Scope;
import io.octvex.protocol.StepSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code browser}: one governed browser session as a one-step run with the edge's {@code browser} handler
 * ({@link OneStepRuns}). The schema mirrors the handler's input (docs/edges.md), so a malformed action is refused
 * here, before a run exists; the edge still validates it again.
 */
@Configuration(proxyBeanMethods = false)
class BrowserTools {
    static final int DEFAULT_WAIT_SECONDS = 60;
    static final int MAX_ACTIONS = 100;
    static final int MAX_STEP_SECONDS = 300;

    /** One verb per action, as the handler takes them; {@code additionalProperties: false} keeps them apart. */
    private static final Map<String, Object> ACTION = Map.of(
            "description", "One browser action; exactly one verb per object.",
            "oneOf", List.of(
                    verb(Map.of("goto", string("Navigate to this absolute http(s) URL. Each URL is decided by "
                            + "policy before the step starts."))),
                    verb(Map.of("click", string("Click the element matching this CSS selector."))),
                    verb(Map.of("fill", string("CSS selector of the field to fill."),
                            "value", string("The text to type. Never a password: use 'secret' instead."))),
                    verb(Map.of("fill", string("CSS selector of the field to fill."),
                            "secret", string("The name of a credential (list_credentials) whose value is filled "
                                    + "in just in time on the edge; the value is never shown to you."),
                            "field", Map.of("type", "string", "enum", List.of("value", "username", "password",
                                    "token"), "description", "Which field of the credential; default value.")),
                            List.of("fill", "secret")),
                    verb(Map.of("wait", Map.of("description", "A CSS selector to wait for, or a number of "
                            + "milliseconds (0–60000) to pause.", "anyOf", List.of(Map.of("type", "string"),
                            Map.of("type", "integer", "minimum", 0, "maximum", 60_000))))),
                    verb(Map.of("extract", string("CSS selector whose text is returned in the result."),
                            "as", string("The name the text is returned under (letters, digits, . _ -)."))),
                    verb(Map.of("screenshot", string("A name for the screenshot (letters, digits, . _ -); it is "
                            + "stored as an artifact of the run."),
                            "fullPage", Map.of("type", "boolean", "description", "The whole page, not only the "
                                    + "viewport; default false.")), List.of("screenshot"))));

    private static Map<String, Object> verb(Map<String, Object> properties) {
        return object(properties, List.copyOf(properties.keySet()));
    }

    private static Map<String, Object> verb(Map<String, Object> properties, List<String> required) {
        return object(properties, required);
    }

    @Bean
    McpTool browserTool(OneStepRuns oneStep) {
        return new McpTool() {
            @Override
            public String name() {
                return "browser";
            }

            @Override
            public String description() {
                return """
                        Drive a real browser through Octvex: the actions run in order on an edge's Chromium as a \
                        one-step run, after the workspace's policy allowed every URL it goes to. Answers the result \
                        (final url, title, extracted texts by name, screenshot artifact ids) when it completes \
                        within waitSeconds; "pending_approval" (approval id, what, why, expiry) at once when policy \
                        holds it for a person, or, with waitForApproval, after waiting for the answer; "queued" or \
                        "running" when still under way (call wait_for_run); a denial, an expired approval or a \
                        failed action is a tool error with the reason. Log in with a credential's name \
                        ({"fill": "#password", "secret": "<name>", "field": "password"}), never its value.""";
            }

            @Override
            public Map<String, Object> inputSchema() {
                Map<String, Object> properties = new LinkedHashMap<>();
                properties.put("actions", Map.of("type", "array", "minItems", 1, "maxItems", MAX_ACTIONS,
                        "items", ACTION, "description", "What to do, in order, e.g. [{\"goto\": "
                                + "\"https://example.com/\"}, {\"extract\": \"h1\", \"as\": \"heading\"}]."));
                properties.put("sandbox", Map.of("type", "object", "additionalProperties", false,
                        "description", "Browser state: {\"mode\": \"transient\"} (default: a fresh profile) or "
                                + "{\"mode\": \"persistent\", \"name\": \"portal-login\"} to keep cookies between "
                                + "runs on the same edge.",
                        "properties", Map.of("mode", Map.of("type", "string", "enum",
                                        List.of("transient", "persistent"), "description", "transient or persistent."),
                                "name", Map.of("type", "string", "pattern", "^[a-z0-9][a-z0-9_-]{0,63}$",
                                        "description", "The persistent sandbox's name."))));
                properties.put("timeoutSeconds", integer("How long the browser step may take on the edge (1–"
                        + MAX_STEP_SECONDS + "; the edge's default is 60).", 1, MAX_STEP_SECONDS));
                properties.putAll(OneStepRuns.waitProperties(DEFAULT_WAIT_SECONDS));
                return object(properties, List.of("actions"));
            }

            @Override
            public Scope scope() {
                return Scope.RUNS_WRITE;
            }

            @Override
            public boolean readOnly() {
                return false;
            }

            @Override
            public boolean transactional() {
                return false; // it waits for the edge and the gate, which work in their own transactions
            }

            @Override
            public Object call(Call call) {
                Map<String, Object> input = new LinkedHashMap<>();
                for (String key : List.of("actions", "sandbox", "timeoutSeconds")) {
                    if (call.arguments().get(key) != null) {
                        input.put(key, call.arguments().get(key));
                    }
                }
                StepSpec step = new StepSpec("browse", "browser", action(call.arguments().get("actions")),
                        Json.toTree(input), null);
                return oneStep.run(call, name(), step, "browser session", "result", DEFAULT_WAIT_SECONDS);
            }
        };
    }

    /** What approvers read: where it goes first (without the query) and how much it does. */
    static String action(Object actions) {
        List<?> list = actions instanceof List<?> l ? l : List.of();
        String first = list.stream().filter(a -> a instanceof Map<?, ?> m && m.get("goto") instanceof String)
                .map(a -> ((String) ((Map<?, ?>) a).get("goto")).replaceFirst("[?#].*", "")).findFirst().orElse(null);
        String count = list.size() + (list.size() == 1 ? " action" : " actions");
        return first == null ? "browser session (" + count + ")" : "browse " + first + " (" + count + ")";
    }
}
