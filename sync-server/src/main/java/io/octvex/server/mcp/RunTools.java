package io.octvex.server.mcp;

import static io.octvex.server.mcp.McpTool.Schemas.integer;
import static io.octvex.server.mcp.McpTool.Schemas.object;
import static io.octvex.server.mcp.McpTool.Schemas.string;
import static io.octvex.server.mcp.McpTool.Schemas.uuid;

import io.octvex.protocol.ApprovalStatus;
import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.Json;
import io.octvex.protocol.RunView;
import io.octvex.protocol.Scope;
import io.octvex.protocol.StepStatus;
import io.octvex.protocol.StepView;
import io.octvex.protocol.SubmitRun;
import io.octvex.protocol.Timeline;
import io.octvex.protocol.TimelineEntry;
import io.octvex.server.approval.Approvals;
import io.octvex.server.events.RunTimelines;
import io.octvex.server.run.Runs;
import io.octvex.server.web.ApiException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** The run tools: submit a run, read its status and what it waits for, read its timeline. */
@Configuration(proxyBeanMethods = false)
class RunTools {

    static final Map<String, Object> STEP_SCHEMA = object(Map.of(
            "key", string("Name of the step within the run, unique, e.g. \"fetch\"."),
            "handler", string("Who executes it on an edge: \"http\" (an HTTP request), \"browser\" (a browser "
                    + "session) or another handler an edge offers."),
            "action", string("A one-line description of what the step does, shown to approvers, e.g. "
                    + "\"GET https://api.example.com/invoices\"."),
            "input", Map.of("type", "object", "description", "The handler's input. http: {\"url\", \"method\" "
                    + "(default GET), \"headers\", \"body\", \"auth\": {\"secret\": \"<credential name>\", \"as\": "
                    + "\"bearer|basic|header\"}}. Never put a secret value here: name a credential instead "
                    + "(see list_credentials)."),
            "dependsOn", Map.of("type", "array", "items", Map.of("type", "string"),
                    "description", "Keys of steps that must complete before this one starts.")),
            List.of("key", "handler", "action"));

    @Bean
    McpTool submitRunTool(Runs runs) {
        return new Tool("submit_run", """
                Submit a task to Octvex as a run of one or more steps. Each step is executed by an edge with the \
                named handler, and every action first passes the workspace's policy: it may be allowed, denied, \
                or held for a human approval. Returns the run with its id and status (usually "queued"); use \
                get_run to see progress and what it is waiting for.""",
                object(Map.of(
                        "title", string("A short title for the run, shown to people."),
                        "steps", Map.of("type", "array", "minItems", 1, "items", STEP_SCHEMA,
                                "description", "The steps, in any order; dependsOn orders them."),
                        "spec", Map.of("type", "object", "description", "Optional task metadata: "
                                + "{\"persona\": \"…\", \"labels\": {\"env\": \"prod\"}} (policy conditions see it).")),
                        List.of("title", "steps")),
                Scope.RUNS_WRITE, false, call -> {
            SubmitRun request;
            try {
                request = Json.mapper().convertValue(call.arguments(), SubmitRun.class);
            } catch (JacksonException e) {
                throw ApiException.badRequest("the run is not well formed at '" + e.getPathReference() + "'");
            }
            return runSummary(runs.submit(call.workspaceId(), call.caller().principalId(), request));
        });
    }

    @Bean
    McpTool getRunTool(Runs runs, Approvals approvals, RunTimelines timelines) {
        return new Tool("get_run", """
                Get a run's status, its steps and what it is waiting for: pending approvals (approval id, the \
                rule that asked for it, its message and expiry), steps that no edge could take yet and why, and \
                the steps' results or errors once they end. Statuses: planning, queued, running, blocked \
                (waiting for an approval), completed, failed, cancelled.""",
                object(Map.of("runId", uuid("The run's id, as returned by submit_run.")), List.of("runId")),
                Scope.RUNS_READ, true, call -> {
            UUID runId = call.id("runId");
            RunView run = runs.get(call.workspaceId(), runId);
            Map<String, Object> answer = runSummary(run);
            List<Map<String, Object>> waiting = new ArrayList<>();
            for (ApprovalView a : approvals.list(call.workspaceId(), ApprovalStatus.PENDING, runId, Approvals.MAX_PAGE)) {
                waiting.add(approval(a));
            }
            waiting.addAll(unplaced(run, timelines.of(call.workspaceId(), runId)));
            answer.put("waitingFor", waiting);
            return answer;
        });
    }

    @Bean
    McpTool runTimelineTool(RunTimelines timelines) {
        return new Tool("get_run_timeline", """
                Read a run's timeline: every state change, policy decision, approval, placement and progress \
                report, oldest first, each with a one-line summary. Rebuilt from the audit log, so it is what \
                Octvex can prove happened.""",
                object(Map.of("runId", uuid("The run's id."),
                        "afterSeq", integer("Only entries after this event sequence number (for paging); default 0.",
                                0, Integer.MAX_VALUE),
                        "limit", integer("At most this many entries (1–500, default 200).", 1, 500)),
                        List.of("runId")),
                Scope.RUNS_READ, true, call -> {
            UUID runId = call.id("runId");
            int after = call.integer("afterSeq", 0, 0, Integer.MAX_VALUE);
            int limit = call.integer("limit", 200, 1, 500);
            Timeline timeline = timelines.of(call.workspaceId(), runId);
            List<Map<String, Object>> entries = new ArrayList<>();
            boolean more = false;
            for (TimelineEntry e : timeline.entries()) {
                if (e.seq() <= after) {
                    continue;
                }
                if (entries.size() == limit) {
                    more = true;
                    break;
                }
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("seq", e.seq());
                entry.put("at", e.at().toString());
                entry.put("type", e.type());
                if (e.stepKey() != null) {
                    entry.put("step", e.stepKey());
                }
                entry.put("summary", e.summary());
                entries.add(entry);
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("runId", runId.toString());
            answer.put("status", timeline.status() == null ? null : timeline.status().wire());
            answer.put("entries", entries);
            answer.put("more", more);
            return answer;
        });
    }

    @Bean
    McpTool pendingApprovalsTool(Approvals approvals) {
        return new Tool("list_pending_approvals", """
                List the approvals waiting for people in the caller's workspace, newest first: which action of \
                which run, the rule and its message, who may approve (role, quorum) and when it expires. \
                Approving is done by people in the Octvex Desk or API, not by this tool.""",
                object(Map.of("runId", uuid("Only approvals of this run (optional)."),
                        "limit", integer("At most this many (1–200, default 50).", 1, Approvals.MAX_PAGE)),
                        List.of()),
                Scope.RUNS_READ, true, call -> {
            UUID runId = call.optionalId("runId");
            int limit = call.integer("limit", 50, 1, Approvals.MAX_PAGE);
            List<Map<String, Object>> list = approvals.list(call.workspaceId(), ApprovalStatus.PENDING, runId, limit)
                    .stream().map(RunTools::approval).toList();
            return Map.of("approvals", list);
        });
    }

    static Map<String, Object> runSummary(RunView run) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("runId", run.id().toString());
        answer.put("title", run.title());
        answer.put("status", run.status().wire());
        answer.put("createdAt", run.createdAt().toString());
        answer.put("updatedAt", run.updatedAt().toString());
        List<Map<String, Object>> steps = new ArrayList<>();
        for (StepView s : run.steps()) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("stepId", s.id().toString());
            step.put("key", s.key());
            step.put("handler", s.handler());
            step.put("action", s.action());
            step.put("status", s.status().wire());
            step.put("attempt", s.attempt());
            if (s.result() != null && !s.result().isNull()) {
                step.put("result", Json.mapper().convertValue(s.result(), Object.class));
            }
            if (s.error() != null) {
                step.put("error", s.error());
            }
            steps.add(step);
        }
        answer.put("steps", steps);
        return answer;
    }

    static Map<String, Object> approval(ApprovalView a) {
        JsonNode ev = a.evidence();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "approval");
        m.put("approvalId", a.id().toString());
        m.put("runId", a.runId().toString());
        m.put("stepId", a.stepId().toString());
        putText(m, "step", ev.path("step").path("key"));
        putText(m, "action", ev.path("action"));
        putText(m, "method", ev.path("method"));
        putText(m, "resource", ev.path("resource"));
        putText(m, "rule", ev.path("rule"));
        putText(m, "message", ev.path("message"));
        m.put("approverRole", a.approverRole() == null ? null : a.approverRole().wire());
        m.put("quorum", a.quorum());
        m.put("approvals", a.approvals());
        m.put("requestedAt", a.requestedAt().toString());
        m.put("expiresAt", a.expiresAt().toString());
        if (a.status() != ApprovalStatus.PENDING) { // how it ended: "denied by …: reason", "expired", …
            m.put("status", a.status().wire());
            m.put("outcome", a.outcome());
        }
        return m;
    }

    /** Queued steps whose last placement attempt found no edge, with the reason placement gave. */
    private static List<Map<String, Object>> unplaced(RunView run, Timeline timeline) {
        Map<UUID, String> lastReason = new HashMap<>();
        for (TimelineEntry e : timeline.entries()) {
            if (e.stepId() == null) {
                continue;
            }
            if (e.type().equals("step.unplaced")) {
                lastReason.put(e.stepId(), e.data().path("reason").asString(e.summary()));
            } else if (e.type().equals("step.placed")) {
                lastReason.remove(e.stepId());
            }
        }
        List<Map<String, Object>> waiting = new ArrayList<>();
        for (StepView s : run.steps()) {
            if (s.status() == StepStatus.QUEUED && lastReason.containsKey(s.id())) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("kind", "placement");
                m.put("stepId", s.id().toString());
                m.put("step", s.key());
                m.put("reason", lastReason.get(s.id()));
                waiting.add(m);
            }
        }
        return waiting;
    }

    private static void putText(Map<String, Object> m, String key, JsonNode node) {
        if (node != null && node.isString()) {
            m.put(key, node.asString());
        }
    }
}
