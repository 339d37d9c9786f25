package io.octvex.server.mcp;

import static io.octvex.server.mcp.McpTool.Schemas.object;
import static io.octvex.server.mcp.McpTool.Schemas.string;

import io.octvex.protocol.Json;
import io.octvex.protocol.Scope;
import io.octvex.protocol.StepSpec;
import io.octvex.server.web.ApiException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code http_request}: one governed HTTP request as a one-step run ({@link OneStepRuns}): the response, a "pending
 * approval" result, or a tool error when policy or an approver said no.
 */
@Configuration(proxyBeanMethods = false)
class HttpTools {
    static final int DEFAULT_WAIT_SECONDS = 10;
    private static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "proxy-authorization", "cookie",
            "x-api-key");

    @Bean
    McpTool httpRequestTool(OneStepRuns oneStep) {
        return new HttpRequestTool(oneStep);
    }

    private record HttpRequestTool(OneStepRuns oneStep) implements McpTool {
        @Override
        public String name() {
            return "http_request";
        }

        @Override
        public String description() {
            return """
                    Perform one HTTP request through Octvex: it runs on an edge as a one-step run, after the \
                    workspace's policy allowed it. Answers with the response (status, safe headers, body) when \
                    the request completes within waitSeconds; with status "pending_approval" (approval id, what, \
                    why, expiry) at once when policy holds it for a person, or, with waitForApproval, after \
                    waiting for the person's answer; with status "queued" or "running" when it is still under way \
                    (call wait_for_run); a denial or an expired approval is a tool error with the reason. To \
                    authenticate, name a credential from list_credentials: never put a secret in headers.""";
        }

        @Override
        public Map<String, Object> inputSchema() {
            Map<String, Object> properties = new LinkedHashMap<>(Map.of(
                    "url", string("The absolute http(s) URL."),
                    "method", Map.of("type", "string", "enum", List.of("GET", "HEAD", "POST", "PUT", "PATCH",
                            "DELETE", "OPTIONS"), "description", "The HTTP method; default GET."),
                    "headers", Map.of("type", "object", "additionalProperties", Map.of("type", "string"),
                            "description", "Request headers (names and values). Authorization, Cookie and "
                                    + "X-Api-Key are refused: use 'credential' instead."),
                    "body", string("The request body, as text (JSON text for a JSON API)."),
                    "credential", object(Map.of(
                            "secret", string("The credential's name, from list_credentials."),
                            "as", Map.of("type", "string", "enum", List.of("bearer", "basic", "header"),
                                    "description", "bearer: Authorization: Bearer; basic: a username/password "
                                            + "credential as Authorization: Basic; header: the credential's own "
                                            + "header.")),
                            List.of("secret", "as"))));
            properties.putAll(OneStepRuns.waitProperties(DEFAULT_WAIT_SECONDS));
            return object(properties, List.of("url"));
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
            String url = call.requiredText("url");
            String method = call.text("method") == null ? "GET" : call.text("method").toUpperCase(Locale.ROOT);
            Map<String, Object> input = new LinkedHashMap<>();
            input.put("method", method);
            input.put("url", url);
            if (call.arguments().get("headers") instanceof Map<?, ?> headers && !headers.isEmpty()) {
                for (Object name : headers.keySet()) {
                    if (CREDENTIAL_HEADERS.contains(String.valueOf(name).toLowerCase(Locale.ROOT))) {
                        throw ApiException.badRequest("the header '" + name + "' carries a credential: name a "
                                + "credential from list_credentials in 'credential' instead of sending its value");
                    }
                }
                input.put("headers", headers);
            }
            if (call.text("body") != null) {
                input.put("body", call.text("body"));
            }
            if (call.arguments().get("credential") instanceof Map<?, ?> credential) {
                input.put("auth", Map.of("secret", credential.get("secret"), "as", credential.get("as")));
            }
            String action = method + " " + url.replaceFirst("[?#].*", "");
            StepSpec step = new StepSpec("request", "http", action, Json.toTree(input), null);
            return oneStep.run(call, name(), step, "request", "response", DEFAULT_WAIT_SECONDS);
        }
    }
}
