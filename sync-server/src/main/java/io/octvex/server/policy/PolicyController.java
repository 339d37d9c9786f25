package io.octvex.server.policy;

import io.octvex.protocol.DryRunPolicy;
import io.octvex.protocol.DryRunReport;
import io.octvex.protocol.Explanation;
import io.octvex.protocol.PolicyDiff;
import io.octvex.protocol.PolicyInput;
import io.octvex.protocol.PolicyVersionView;
import io.octvex.protocol.SavePolicy;
import io.octvex.protocol.Scope;
import io.octvex.protocol.WorkspaceView;
import io.octvex.server.identity.Caller;
import io.octvex.server.identity.WorkspaceAccess;
import io.octvex.server.workspace.Workspaces;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/workspaces/{workspaceId}/policy")
class PolicyController {
    private final Policies policies;
    private final WorkspaceAccess access;
    private final Workspaces workspaces;

    PolicyController(Policies policies, WorkspaceAccess access, Workspaces workspaces) {
        this.policies = policies;
        this.access = access;
        this.workspaces = workspaces;
    }

    @GetMapping
    PolicyVersionView active(Caller caller, @PathVariable UUID workspaceId) {
        access.require(caller, workspaceId, Scope.WORKSPACE_READ);
        return policies.active(workspaceId);
    }

    @GetMapping("/versions")
    List<PolicyVersionView> versions(Caller caller, @PathVariable UUID workspaceId) {
        access.require(caller, workspaceId, Scope.WORKSPACE_READ);
        return policies.versions(workspaceId);
    }

    @GetMapping("/versions/{version}")
    PolicyVersionView version(Caller caller, @PathVariable UUID workspaceId, @PathVariable int version) {
        access.require(caller, workspaceId, Scope.WORKSPACE_READ);
        return policies.version(workspaceId, version);
    }

    /** What changed from {@code against} (default: the version before) to {@code version}. */
    @GetMapping("/versions/{version}/diff")
    PolicyDiff diff(Caller caller, @PathVariable UUID workspaceId, @PathVariable int version,
                    @RequestParam(required = false) Integer against) {
        access.require(caller, workspaceId, Scope.WORKSPACE_READ);
        return policies.diff(workspaceId, version, against);
    }

    @PostMapping("/versions")
    @ResponseStatus(HttpStatus.CREATED)
    PolicyVersionView save(Caller caller, @PathVariable UUID workspaceId, @RequestBody SavePolicy request) {
        access.require(caller, workspaceId, Scope.WORKSPACE_ADMIN);
        return policies.save(workspaceId, caller.principalId(), request);
    }

    @PostMapping("/versions/{version}/activate")
    PolicyVersionView activate(Caller caller, @PathVariable UUID workspaceId, @PathVariable int version) {
        access.require(caller, workspaceId, Scope.WORKSPACE_ADMIN);
        return policies.activate(workspaceId, version, caller.principalId());
    }

    /** Needs what a save needs: a dry run shows what the draft would decide, before anyone saves it. */
    @PostMapping("/dry-run")
    DryRunReport dryRun(Caller caller, @PathVariable UUID workspaceId, @RequestBody DryRunPolicy request) {
        access.require(caller, workspaceId, Scope.WORKSPACE_ADMIN);
        access.require(caller, workspaceId, Scope.EVENTS_READ); // it shows recorded decisions
        return policies.dryRun(workspaceId, request);
    }

    @PostMapping("/explain")
    Explanation explain(Caller caller, @PathVariable UUID workspaceId, @RequestBody PolicyInput input,
                        @RequestParam(required = false) Integer version) {
        access.require(caller, workspaceId, Scope.WORKSPACE_READ);
        WorkspaceView workspace = workspaces.get(caller, workspaceId);
        return policies.explain(workspaceId, workspace.name(), caller.principalId(), input, version);
    }
}
