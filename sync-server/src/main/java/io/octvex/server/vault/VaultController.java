package io.octvex.server.vault;

import io.octvex.protocol.Scope;
import io.octvex.protocol.VaultStatus;
import io.octvex.server.identity.Caller;
import io.octvex.server.identity.WorkspaceAccess;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** A workspace's data keys: their state, and rotation. */
@RestController
@RequestMapping("/api/v1/workspaces/{workspaceId}/vault")
class VaultController {
    private final Vault vault;
    private final WorkspaceAccess access;

    VaultController(Vault vault, WorkspaceAccess access) {
        this.vault = vault;
        this.access = access;
    }

    @GetMapping
    VaultStatus status(Caller caller, @PathVariable UUID workspaceId) {
        access.require(caller, workspaceId, Scope.WORKSPACE_READ);
        return vault.status(workspaceId);
    }

    @PostMapping("/rotate")
    VaultStatus rotate(Caller caller, @PathVariable UUID workspaceId) {
        access.require(caller, workspaceId, Scope.WORKSPACE_ADMIN);
        return vault.rotate(workspaceId, caller.principalId());
    }
}
