package io.octvex.server.approval;

import io.octvex.protocol.ApprovalStatus;
import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.DecideApproval;
import io.octvex.protocol.Scope;
import io.octvex.server.identity.Caller;
import io.octvex.server.identity.WorkspaceAccess;
import io.octvex.server.web.ApiException;
import java.util.List;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Approvals of a workspace. Reading needs {@code runs:read} (whoever may see runs may see what they wait
 * for); answering needs the same, and then the approval's own approver role, checked by {@link Approvals}.
 */
@RestController
@RequestMapping("/api/v1/workspaces/{workspaceId}/approvals")
class ApprovalController {
    private final Approvals approvals;
    private final WorkspaceAccess access;

    ApprovalController(Approvals approvals, WorkspaceAccess access) {
        this.approvals = approvals;
        this.access = access;
    }

    @GetMapping
    List<ApprovalView> list(Caller caller, @PathVariable UUID workspaceId,
                            @RequestParam(required = false) String status,
                            @RequestParam(required = false) UUID runId,
                            @RequestParam(defaultValue = "50") int limit) {
        access.require(caller, workspaceId, Scope.RUNS_READ);
        ApprovalStatus wanted;
        try {
            wanted = status == null ? null : ApprovalStatus.fromWire(status);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("'status' must be one of pending, approved, denied, expired, cancelled");
        }
        return approvals.list(workspaceId, wanted, runId, limit);
    }

    @GetMapping("/{approvalId}")
    ApprovalView get(Caller caller, @PathVariable UUID workspaceId, @PathVariable UUID approvalId) {
        access.require(caller, workspaceId, Scope.RUNS_READ);
        return approvals.get(workspaceId, approvalId);
    }

    @PostMapping("/{approvalId}/approve")
    ApprovalView approve(Caller caller, @PathVariable UUID workspaceId, @PathVariable UUID approvalId,
                         @RequestBody(required = false) DecideApproval answer) {
        access.require(caller, workspaceId, Scope.RUNS_READ);
        return approvals.approve(workspaceId, approvalId, caller.principalId(), answer);
    }

    @PostMapping("/{approvalId}/deny")
    ApprovalView deny(Caller caller, @PathVariable UUID workspaceId, @PathVariable UUID approvalId,
                      @RequestBody(required = false) DecideApproval answer) {
        access.require(caller, workspaceId, Scope.RUNS_READ);
        return approvals.deny(workspaceId, approvalId, caller.principalId(), answer);
    }
}
