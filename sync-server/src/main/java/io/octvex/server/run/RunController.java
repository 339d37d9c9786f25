package io.octvex.server.run;

import io.octvex.protocol.CancelRun;
import io.octvex.protocol.RunPage;
import io.octvex.protocol.RunStatus;
import io.octvex.protocol.RunView;
import io.octvex.protocol.Scope;
import io.octvex.protocol.SubmitRun;
import io.octvex.protocol.SubmitRuns;
import io.octvex.protocol.SubmittedRuns;
import io.octvex.server.identity.Caller;
import io.octvex.server.identity.WorkspaceAccess;
import io.octvex.server.web.ApiException;
import java.net.URI;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The runs API of a workspace: submit, read, list, cancel, and the interim worker report of a step. */
@RestController
@RequestMapping("/api/v1/workspaces/{workspaceId}/runs")
class RunController {
    private final Runs runs;
    private final WorkspaceAccess access;

    RunController(Runs runs, WorkspaceAccess access) {
        this.runs = runs;
        this.access = access;
    }

    /** With an {@code Idempotency-Key}, a repeat answers 200 with the run the first submit made. */
    @PostMapping
    ResponseEntity<RunView> submit(Caller caller, @PathVariable UUID workspaceId, @RequestBody SubmitRun request,
                                   @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
        access.require(caller, workspaceId, Scope.RUNS_WRITE);
        if (idempotencyKey == null) {
            RunView run = runs.submit(workspaceId, caller.principalId(), request);
            return ResponseEntity.created(location(workspaceId, run)).body(run);
        }
        Runs.Submission submission = runs.submitOnce(workspaceId, caller.principalId(), request, idempotencyKey);
        URI location = location(workspaceId, submission.run());
        if (submission.replayed()) {
            return ResponseEntity.ok().location(location).header("Idempotent-Replayed", "true").body(submission.run());
        }
        return ResponseEntity.created(location).body(submission.run());
    }

    /**
     * Up to {@value Runs#MAX_SUBMIT_BATCH} runs in one request and one transaction, all or none; each may carry
     * its own idempotency key. 201 when it made at least one run, 200 when every run was a replay.
     */
    @PostMapping("/batch")
    ResponseEntity<SubmittedRuns> submitAll(Caller caller, @PathVariable UUID workspaceId,
                                            @RequestBody SubmitRuns request) {
        access.require(caller, workspaceId, Scope.RUNS_WRITE);
        if (request == null || request.runs() == null) {
            throw ApiException.badRequest("a batch submit needs a body: {\"runs\": [{\"title\", \"steps\": [...],"
                    + " \"idempotencyKey\"?}]}");
        }
        List<Runs.Submission> submitted = runs.submitAll(workspaceId, caller.principalId(), request.runs());
        SubmittedRuns body = new SubmittedRuns(submitted.stream()
                .map(s -> new SubmittedRuns.Entry(s.run(), s.replayed())).toList());
        return submitted.stream().allMatch(Runs.Submission::replayed) ? ResponseEntity.ok(body)
                : ResponseEntity.status(org.springframework.http.HttpStatus.CREATED).body(body);
    }

    private static URI location(UUID workspaceId, RunView run) {
        return URI.create("/api/v1/workspaces/" + workspaceId + "/runs/" + run.id());
    }

    @GetMapping("/{runId}")
    RunView run(Caller caller, @PathVariable UUID workspaceId, @PathVariable UUID runId) {
        access.require(caller, workspaceId, Scope.RUNS_READ);
        return runs.get(workspaceId, runId);
    }

    @GetMapping
    RunPage list(Caller caller, @PathVariable UUID workspaceId,
                 @RequestParam(required = false) String status,
                 @RequestParam(required = false) String limit,
                 @RequestParam(required = false) String before,
                 @RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        access.require(caller, workspaceId, Scope.RUNS_READ);
        return runs.list(workspaceId, status(status), instant("from", from), instant("to", to), limit(limit),
                before == null || before.isEmpty() ? null : before);
    }

    /** A creation-time bound: an ISO instant, or absent. */
    private static Instant instant(String name, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeException e) {
            throw ApiException.badRequest("'" + name + "' must be an ISO instant such as 2026-11-24T10:00:00Z, not '"
                    + (text.length() > 60 ? text.substring(0, 57) + "..." : text) + "'");
        }
    }

    @PostMapping("/{runId}/cancel")
    RunView cancel(Caller caller, @PathVariable UUID workspaceId, @PathVariable UUID runId,
                   @RequestBody(required = false) CancelRun request) {
        access.require(caller, workspaceId, Scope.RUNS_WRITE);
        return runs.cancel(workspaceId, runId, request == null ? null : request.reason(), caller.principalId());
    }

    private static RunStatus status(String status) {
        if (status == null || status.isEmpty()) {
            return null;
        }
        try {
            return RunStatus.fromWire(status);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("'status': " + e.getMessage());
        }
    }

    private static int limit(String limit) {
        if (limit == null || limit.isEmpty()) {
            return Runs.DEFAULT_PAGE;
        }
        try {
            return Integer.parseInt(limit.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("'limit' must be a whole number between 1 and " + Runs.MAX_PAGE);
        }
    }
}
