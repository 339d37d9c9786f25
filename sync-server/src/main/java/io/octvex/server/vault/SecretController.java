package io.octvex.server.vault;

import io.octvex.protocol.CreateSecret;
import io.octvex.protocol.Scope;
import io.octvex.protocol.SecretView;
import io.octvex.protocol.UpdateSecret;
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
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Secrets of a workspace: values go in, metadata comes out; no endpoint answers with a value. */
@RestController
@RequestMapping("/api/v1/workspaces/{workspaceId}/secrets")
class SecretController {
    private final Vault vault;
    private final WorkspaceAccess access;

    SecretController(Vault vault, WorkspaceAccess access) {
        this.vault = vault;
        this.access = access;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    SecretView create(Caller caller, @PathVariable UUID workspaceId, @RequestBody CreateSecret request) {
        access.require(caller, workspaceId, Scope.SECRETS_MANAGE);
        return vault.create(workspaceId, caller.principalId(), request);
    }

    @GetMapping
    List<SecretView> list(Caller caller, @PathVariable UUID workspaceId) {
        access.require(caller, workspaceId, Scope.WORKSPACE_READ);
        return vault.list(workspaceId);
    }

    @GetMapping("/{secretName}")
    SecretView get(Caller caller, @PathVariable UUID workspaceId, @PathVariable String secretName) {
        access.require(caller, workspaceId, Scope.WORKSPACE_READ);
        return vault.get(workspaceId, secretName);
    }

    @PutMapping("/{secretName}/value")
    SecretView update(Caller caller, @PathVariable UUID workspaceId, @PathVariable String secretName,
                      @RequestBody UpdateSecret request) {
        access.require(caller, workspaceId, Scope.SECRETS_MANAGE);
        return vault.update(workspaceId, secretName, caller.principalId(), request);
    }

    @DeleteMapping("/{secretName}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(Caller caller, @PathVariable UUID workspaceId, @PathVariable String secretName) {
        access.require(caller, workspaceId, Scope.SECRETS_MANAGE);
        vault.delete(workspaceId, secretName, caller.principalId());
    }
}
