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
import tools.jackson.databind.JsonNode;

/**
 * The governed one-step tools ({@code http_request}, {@code browser}, and other features' tools such as
 * {@code call_mcp_tool}): submit a run of one step as the caller, wait (bounded) for it, and answer the same way for
 * every such tool — the result, "pending_approval" (at once, or after waiting through the approval when asked),
 * "queued"/"running" when the wait ran out, or a tool error with the reason when policy, an approver or expiry said
 * no.
 */
public final class OneStepRuns {
    public static final int MAX_WAIT_SECONDS = 300;
    static final String WAIT_SECONDS = "waitSeconds";
    static final String WAIT_FOR_APPROVAL = "waitForApproval";

    private final Runs runs;
    private final RunWaiter waiter;

    OneStepRuns(Runs runs, RunWaiter waiter) {
        this.runs = runs;
        this.waiter = waiter;
    }

    /** What a tool answers when its step completed: {@code answer} holds status, runId and stepId already. */
    @FunctionalInterface
    public interface Completed {
        Object answer(Map<String, Object> answer, JsonNode result);
    }

    /** The two waiting arguments every one-step tool takes. */
    public static Map<String, Object> waitProperties(int defaultSeconds) {
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
        RunView run = runs.submit(call.workspaceId(), call.caller().principalId(),
                new SubmitRun("MCP " + tool + ": " + step.action(), null, List.of(step)));
        return answer(call, run, noun, defaultWait, (answer, result) -> {
            answer.put(resultKey, result == null ? null : Json.mapper().convertValue(result, Object.class));
            return answer;
        });
    }

    /**
     * Waits for {@code run}, a one-step run the caller's tool submitted, as {@link #waitProperties} asked, and
     * answers as the class says; {@code completed} shapes the answer of a completed step.
     */
    public Object answer(McpTool.Call call, RunView run, String noun, int defaultWait, Completed completed) {
        int wait = call.integer(WAIT_SECONDS, defaultWait, 0, MAX_WAIT_SECONDS);
        boolean throughApproval = call.flag(WAIT_FOR_APPROVAL, false);
        RunWaiter.Outcome outcome = waiter.await(call.workspaceId(), run.id(), Duration.ofSeconds(wait),
                throughApproval, call.progress());
        run = outcome.run();
        StepView s = run.steps().getFirst();
        return switch (outcome.state()) {
            case COMPLETED -> completed.answer(base(run, "completed"), s.result());
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
