package io.octvex.server.workspace;

import io.octvex.protocol.CreateWorkspace;
import io.octvex.protocol.RenameWorkspace;
import io.octvex.protocol.WorkspaceView;
import io.octvex.server.identity.Caller;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/workspaces")
class WorkspaceController {
    private final Workspaces workspaces;

    WorkspaceController(Workspaces workspaces) {
        this.workspaces = workspaces;
    }

    @GetMapping
    List<WorkspaceView> list(Caller caller) {
        return workspaces.list(caller);
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    WorkspaceView create(Caller caller, @RequestBody CreateWorkspace request) {
        return workspaces.create(caller, request.name());
    }

    @GetMapping("/{workspaceId}")
    WorkspaceView get(Caller caller, @PathVariable UUID workspaceId) {
        return workspaces.get(caller, workspaceId);
    }

    @PatchMapping("/{workspaceId}")
    WorkspaceView rename(Caller caller, @PathVariable UUID workspaceId, @RequestBody RenameWorkspace request) {
        return workspaces.rename(caller, workspaceId, request.name());
    }

    @PostMapping("/{workspaceId}/archive")
    WorkspaceView archive(Caller caller, @PathVariable UUID workspaceId) {
        return workspaces.archive(caller, workspaceId);
    }
}
