package io.octvex.server.mcp;

import static io.octvex.server.mcp.McpTool.Schemas.bool;
import static io.octvex.server.mcp.McpTool.Schemas.integer;

import io.octvex.protocol.Json;
import io.octvex.protocol.RunView;
import io.octvex.protocol.StepSpec;
import io.octvex.protocol.StepView;
import io.octvex.protocol.SubmitRun;
import io.octvex.server.run.Runs;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The governed one-step tools ({@code http_request}, {@code browser}): submit a run of one step as the caller, wait
 * (bounded) for it, and answer the same way for every such tool — the result, "pending_approval" (at once, or after
 * waiting through the approval when asked), "queued"/"running" when the wait ran out, or a tool error with the
 * reason when policy, an approver or expiry said no.
 */
final class OneStepRuns {
    static final int MAX_WAIT_SECONDS = 300;
    static final String WAIT_SECONDS = "waitSeconds";
    static final String WAIT_FOR_APPROVAL = "waitForApproval";

    private final Runs runs;
    private final RunWaiter waiter;

    OneStepRuns(Runs runs, RunWaiter waiter) {
        this.runs = runs;
        this.waiter = waiter;
    }

    /** The two waiting arguments every one-step tool takes. */
    static Map<String, Object> waitProperties(int defaultSeconds) {
        return Map.of(
                WAIT_SECONDS, integer("How long to wait for the outcome, in seconds (0–" + MAX_WAIT_SECONDS
                        + ", default " + defaultSeconds + "). Progress notifications are sent while waiting when "
                        + "the request carries a progressToken.", 0, MAX_WAIT_SECONDS),
                WAIT_FOR_APPROVAL, bool("When policy holds the action for a person: false (default) answers "
                        + "\"pending_approval\" at once; true keeps waiting, within waitSeconds, until it is "
                        + "approved (and done), denied or expired."));
    }

    /**
     * Runs {@code step} as a one-step run titled after the tool; {@code noun} names the action in errors ("the
     * request did not happen: …"), {@code resultKey} is where the step's result goes in the answer.
     */
    Object run(McpTool.Call call, String tool, StepSpec step, String noun, String resultKey, int defaultWait) {
        int wait = call.integer(WAIT_SECONDS, defaultWait, 0, MAX_WAIT_SECONDS);
        boolean throughApproval = call.flag(WAIT_FOR_APPROVAL, false);
        RunView run = runs.submit(call.workspaceId(), call.caller().principalId(),
                new SubmitRun("MCP " + tool + ": " + step.action(), null, List.of(step)));
        RunWaiter.Outcome outcome = waiter.await(call.workspaceId(), run.id(), Duration.ofSeconds(wait),
                throughApproval, call.progress());
        run = outcome.run();
        StepView s = run.steps().getFirst();
        return switch (outcome.state()) {
            case COMPLETED -> {
                Map<String, Object> answer = base(run, "completed");
                answer.put(resultKey, s.result() == null ? null : Json.mapper().convertValue(s.result(), Object.class));
                yield answer;
            }
            case FAILED -> {
                Map<String, Object> details = base(run, run.status().wire());
                details.put("error", s.error());
                if (outcome.approval() != null) {
                    details.put("approval", RunTools.approval(outcome.approval()));
                }
                throw new McpTool.Failed("the " + noun + " did not happen: "
                        + (s.error() == null ? "the run was " + run.status().wire() : s.error()), details);
            }
            case PENDING_APPROVAL -> {
                Map<String, Object> answer = base(run, "pending_approval");
                answer.put("approval", RunTools.approval(outcome.approval()));
                answer.put("next", throughApproval
                        ? "still waiting for a person when the wait ended; call wait_for_run with the runId and "
                                + "waitForApproval true to keep waiting, or get_run to look"
                        : "a person must approve it (Octvex Desk or API); call wait_for_run with the runId and "
                                + "waitForApproval true to wait for the answer, or get_run to look. Once approved, "
                                + "it runs without a new call.");
                yield answer;
            }
            case UNDER_WAY -> {
                Map<String, Object> answer = base(run, run.status().wire());
                answer.put("next", WaitTools.stillUnderWay(outcome));
                yield answer;
            }
        };
    }

    private static Map<String, Object> base(RunView run, String status) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status);
        m.put("runId", run.id().toString());
        m.put("stepId", run.steps().getFirst().id().toString());
        return m;
    }
}
