package io.octvex.server.mcp;

import static io.octvex.server.mcp.McpTool.Schemas.integer;
import static io.octvex.server.mcp.McpTool.Schemas.object;
import static io.octvex.server.mcp.McpTool.Schemas.string;

import io.octvex.protocol.ApprovalStatus;
import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.Json;
import io.octvex.protocol.RunStatus;
import io.octvex.protocol.RunView;
import io.octvex.protocol.Scope;
import io.octvex.protocol.StepSpec;
import io.octvex.protocol.StepView;
import io.octvex.protocol.SubmitRun;
import io.octvex.server.approval.Approvals;
import io.octvex.server.run.Runs;
import io.octvex.server.web.ApiException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code http_request}: one governed HTTP request as a one-step run. It waits (bounded) for the run to end or to
 * be held by the gate, and answers with the response, a "pending approval" result, or a tool error when policy
 * or an approver denied it.
 */
@Configuration(proxyBeanMethods = false)
class HttpTools {
    static final int MAX_WAIT_SECONDS = 30;
    private static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "proxy-authorization", "cookie",
            "x-api-key");

    @Bean
    McpTool httpRequestTool(Runs runs, Approvals approvals,
                            @Value("${octvex.mcp.poll-interval:PT0.2S}") Duration poll) {
        return new HttpRequestTool(runs, approvals, poll);
    }

    private record HttpRequestTool(Runs runs, Approvals approvals, Duration poll) implements McpTool {
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
                    why, expiry) at once when policy holds it for a person; with status "queued" or "running" \
                    when it is still under way (poll get_run); a denial is a tool error with the reason. To \
                    authenticate, name a credential from list_credentials: never put a secret in headers.""";
        }

        @Override
        public Map<String, Object> inputSchema() {
            return object(Map.of(
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
                            List.of("secret", "as")),
                    "waitSeconds", integer("How long to wait for the outcome (0–" + MAX_WAIT_SECONDS
                            + ", default 10). A request held for approval answers at once.", 0, MAX_WAIT_SECONDS)),
                    List.of("url"));
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
        @SuppressWarnings("unchecked")
        public Object call(Call call) {
            String url = call.requiredText("url");
            String method = call.text("method") == null ? "GET" : call.text("method").toUpperCase(Locale.ROOT);
            int wait = call.integer("waitSeconds", 10, 0, MAX_WAIT_SECONDS);
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
            RunView run = runs.submit(call.workspaceId(), call.caller().principalId(),
                    new SubmitRun("MCP http_request: " + action, null, List.of(step)));
            long deadline = System.nanoTime() + Duration.ofSeconds(wait).toNanos();
            while (true) {
                run = runs.get(call.workspaceId(), run.id());
                StepView s = run.steps().getFirst();
                if (run.status() == RunStatus.COMPLETED) {
                    Map<String, Object> answer = base(run, "completed");
                    answer.put("response", s.result() == null ? null : Json.mapper().convertValue(s.result(), Object.class));
                    return answer;
                }
                if (run.status().terminal()) {
                    Map<String, Object> details = base(run, run.status().wire());
                    details.put("error", s.error());
                    throw new Failed("the request did not happen: " + (s.error() == null ? run.status().wire() : s.error()),
                            details);
                }
                List<ApprovalView> pending = approvals.list(call.workspaceId(), ApprovalStatus.PENDING, run.id(), 10);
                if (run.status() == RunStatus.BLOCKED && !pending.isEmpty()) {
                    Map<String, Object> answer = base(run, "pending_approval");
                    answer.put("approval", RunTools.approval(pending.getFirst()));
                    answer.put("next", "a person must approve it (Octvex Desk or API); call get_run with the runId "
                            + "to follow it. Once approved, the request runs without a new call.");
                    return answer;
                }
                if (System.nanoTime() >= deadline) {
                    Map<String, Object> answer = base(run, run.status().wire());
                    answer.put("next", "still under way; call get_run with the runId to follow it");
                    return answer;
                }
                sleep();
            }
        }

        private void sleep() {
            try {
                Thread.sleep(poll);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ApiException.conflict("the wait was interrupted; the run goes on: call get_run");
            }
        }

        private static Map<String, Object> base(RunView run, String status) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("status", status);
            m.put("runId", run.id().toString());
            m.put("stepId", run.steps().getFirst().id().toString());
            return m;
        }
    }
}
