package io.octvex.server.mcp;

import static io.octvex.server.mcp.McpTool.Schemas.bool;
import static io.octvex.server.mcp.McpTool.Schemas.integer;
import static io.octvex.server.mcp.McpTool.Schemas.object;
import static io.octvex.server.mcp.McpTool.Schemas.uuid;

import io.octvex.protocol.RunView;
import io.octvex.protocol.Scope;
import io.octvex.protocol.StepView;
import io.octvex.server.approval.Approvals;
import io.octvex.server.events.RunTimelines;
import io.octvex.server.run.Runs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** {@code wait_for_run}, and the waiter it shares with the governed one-step tools. */
@Configuration(proxyBeanMethods = false)
class WaitTools {
    static final int MAX_TIMEOUT_SECONDS = 300;

    @Bean
    RunWaiter runWaiter(Runs runs, Approvals approvals, RunTimelines timelines,
                        @Value("${octvex.mcp.max-waits:200}") int maxWaits) {
        return new RunWaiter(runs, approvals, timelines, maxWaits);
    }

    @Bean
    OneStepRuns oneStepRuns(Runs runs, RunWaiter waiter) {
        return new OneStepRuns(runs, waiter);
    }

    @Bean
    McpTool waitForRunTool(RunWaiter waiter) {
        return new McpTool() {
            @Override
            public String name() {
                return "wait_for_run";
            }

            @Override
            public String description() {
                return """
                        Wait for a run to finish, at most timeoutSeconds. Sends progress notifications as it moves \
                        (step transitions, an approval asked with its expiry, approved or denied) when the request \
                        carries a progressToken. Answers the run with status "completed" (steps with their \
                        results); "pending_approval" with the approval (what, why, who, expiry) as soon as policy \
                        holds an action for a person, unless waitForApproval is true; "queued", "running" or \
                        "planning" when the time ran out (call it again). A run that failed, was cancelled, or \
                        whose approval was denied or expired is a tool error with the reason.""";
            }

            @Override
            public Map<String, Object> inputSchema() {
                return object(Map.of(
                        "runId", uuid("The run's id, as returned by submit_run, http_request or browser."),
                        "timeoutSeconds", integer("How long to wait at most, in seconds (0–" + MAX_TIMEOUT_SECONDS
                                + ", default 30; 0 looks once).", 0, MAX_TIMEOUT_SECONDS),
                        "waitForApproval", bool("false (default): answer \"pending_approval\" at once when the run "
                                + "is held for a person; true: keep waiting until it is approved (and done), "
                                + "denied or expired, within timeoutSeconds.")),
                        List.of("runId"));
            }

            @Override
            public Scope scope() {
                return Scope.RUNS_READ;
            }

            @Override
            public boolean readOnly() {
                return true;
            }

            @Override
            public boolean transactional() {
                return false; // it waits for what other transactions do, holding none itself
            }

            @Override
            public Object call(Call call) {
                var runId = call.id("runId");
                int timeout = call.integer("timeoutSeconds", 30, 0, MAX_TIMEOUT_SECONDS);
                boolean throughApproval = call.flag("waitForApproval", false);
                RunWaiter.Outcome outcome = waiter.await(call.workspaceId(), runId, Duration.ofSeconds(timeout),
                        throughApproval, call.progress());
                Map<String, Object> answer = RunTools.runSummary(outcome.run());
                switch (outcome.state()) {
                    case COMPLETED -> { }
                    case FAILED -> {
                        if (outcome.approval() != null) {
                            answer.put("approval", RunTools.approval(outcome.approval()));
                        }
                        throw new Failed("the run " + outcome.run().status().wire() + ": " + reason(outcome.run()),
                                answer);
                    }
                    case PENDING_APPROVAL -> {
                        answer.put("status", "pending_approval");
                        answer.put("approval", RunTools.approval(outcome.approval()));
                        answer.put("next", "a person must approve it (Octvex Desk or API); call wait_for_run "
                                + "again with waitForApproval true to wait for the answer");
                    }
                    case UNDER_WAY -> answer.put("next", stillUnderWay(outcome));
                }
                return answer;
            }
        };
    }

    /** Why a run ended without completing: its first failed step's error, else its status. */
    static String reason(RunView run) {
        for (StepView s : run.steps()) {
            if (s.error() != null) {
                return "step '" + s.key() + "': " + s.error();
            }
        }
        return "no step reported an error";
    }

    static String stillUnderWay(RunWaiter.Outcome outcome) {
        return outcome.busy()
                ? "this server is waiting for too many calls right now, so it only looked; call wait_for_run with "
                        + "the runId again shortly"
                : "still under way; call wait_for_run with the runId to keep waiting, or get_run to look";
    }
}
