package io.octvex.server.mcpclient;

import io.octvex.protocol.McpServerView;
import io.octvex.protocol.RunView;
import io.octvex.protocol.SaveMcpServer;
import io.octvex.protocol.Scope;
import io.octvex.server.identity.Caller;
import io.octvex.server.identity.WorkspaceAccess;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/workspaces/{ws}/mcp-servers}: registering a server is an admin's decision (a stdio server is a
 * command edges start); reading needs {@code workspace:read}; discovery is a run, so it needs {@code runs:write}.
 */
@RestController
class McpServerController {
    private static final String BASE = "/api/v1/workspaces/{workspaceId}/mcp-servers";
    private final McpServers servers;
    private final WorkspaceAccess access;

    McpServerController(McpServers servers, WorkspaceAccess access) {
        this.servers = servers;
        this.access = access;
    }

    @PostMapping(BASE)
    @ResponseStatus(HttpStatus.CREATED)
    McpServerView create(Caller caller, @PathVariable UUID workspaceId, @RequestBody(required = false) SaveMcpServer request) {
        access.require(caller, workspaceId, Scope.WORKSPACE_ADMIN);
        return servers.create(workspaceId, caller.principalId(), request);
    }

    @GetMapping(BASE)
    List<McpServerView> list(Caller caller, @PathVariable UUID workspaceId) {
        access.require(caller, workspaceId, Scope.WORKSPACE_READ);
        return servers.list(workspaceId);
    }

    @GetMapping(BASE + "/{serverId}")
    McpServerView get(Caller caller, @PathVariable UUID workspaceId, @PathVariable UUID serverId) {
        access.require(caller, workspaceId, Scope.WORKSPACE_READ);
        return servers.get(workspaceId, serverId);
    }

    @PutMapping(BASE + "/{serverId}")
    McpServerView update(Caller caller, @PathVariable UUID workspaceId, @PathVariable UUID serverId,
                         @RequestBody(required = false) SaveMcpServer request) {
        access.require(caller, workspaceId, Scope.WORKSPACE_ADMIN);
        return servers.update(workspaceId, serverId, caller.principalId(), request);
    }

    @DeleteMapping(BASE + "/{serverId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(Caller caller, @PathVariable UUID workspaceId, @PathVariable UUID serverId) {
        access.require(caller, workspaceId, Scope.WORKSPACE_ADMIN);
        servers.delete(workspaceId, serverId, caller.principalId());
    }

    @PostMapping(BASE + "/{serverId}/discover")
    @ResponseStatus(HttpStatus.ACCEPTED)
    RunView discover(Caller caller, @PathVariable UUID workspaceId, @PathVariable UUID serverId) {
        access.require(caller, workspaceId, Scope.RUNS_WRITE);
        return servers.discover(workspaceId, serverId, caller.principalId());
    }
}
