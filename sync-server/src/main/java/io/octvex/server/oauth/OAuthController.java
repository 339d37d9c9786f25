package io.octvex.server.oauth;

import io.octvex.protocol.OAuthAuthorization;
import io.octvex.protocol.OAuthClientView;
import io.octvex.protocol.OAuthConnectionView;
import io.octvex.protocol.OAuthProviderView;
import io.octvex.protocol.RegisterOAuthClient;
import io.octvex.protocol.Scope;
import io.octvex.protocol.StartOAuthConnection;
import io.octvex.server.identity.Caller;
import io.octvex.server.identity.WorkspaceAccess;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * OAuth clients and connections of a workspace, the provider registry, and the callback the providers send the
 * browser back to. The callback is the one unauthenticated endpoint here: its credential is the state.
 */
@RestController
class OAuthController {
    private static final String WORKSPACE = "/api/v1/workspaces/{workspaceId}/oauth";
    private final OAuth oauth;
    private final WorkspaceAccess access;

    OAuthController(OAuth oauth, WorkspaceAccess access) {
        this.oauth = oauth;
        this.access = access;
    }

    @GetMapping("/api/v1/oauth/providers")
    List<OAuthProviderView> providers(Caller caller) {
        return oauth.providers();
    }

    @GetMapping(OAuth.CALLBACK_PATH)
    OAuthConnectionView callback(@RequestParam(required = false) String code,
                                 @RequestParam(required = false) String state,
                                 @RequestParam(required = false) String error,
                                 @RequestParam(name = "error_description", required = false) String errorDescription) {
        return oauth.complete(code, state, error, errorDescription);
    }

    @PostMapping(WORKSPACE + "/clients")
    @ResponseStatus(HttpStatus.CREATED)
    OAuthClientView register(Caller caller, @PathVariable UUID workspaceId, @RequestBody RegisterOAuthClient request) {
        access.require(caller, workspaceId, Scope.SECRETS_MANAGE);
        return oauth.registerClient(workspaceId, caller.principalId(), request);
    }

    @GetMapping(WORKSPACE + "/clients")
    List<OAuthClientView> clients(Caller caller, @PathVariable UUID workspaceId) {
        access.require(caller, workspaceId, Scope.WORKSPACE_READ);
        return oauth.clients(workspaceId);
    }

    @PostMapping(WORKSPACE + "/connections")
    @ResponseStatus(HttpStatus.CREATED)
    OAuthAuthorization start(Caller caller, @PathVariable UUID workspaceId, @RequestBody StartOAuthConnection request) {
        access.require(caller, workspaceId, Scope.SECRETS_MANAGE);
        String callback = ServletUriComponentsBuilder.fromCurrentContextPath().path(OAuth.CALLBACK_PATH).toUriString();
        return oauth.start(workspaceId, caller.principalId(), request, callback);
    }

    @GetMapping(WORKSPACE + "/connections")
    List<OAuthConnectionView> connections(Caller caller, @PathVariable UUID workspaceId) {
        access.require(caller, workspaceId, Scope.WORKSPACE_READ);
        return oauth.connections(workspaceId);
    }

    @GetMapping(WORKSPACE + "/connections/{connectionName}")
    OAuthConnectionView connection(Caller caller, @PathVariable UUID workspaceId, @PathVariable String connectionName) {
        access.require(caller, workspaceId, Scope.WORKSPACE_READ);
        return oauth.connection(workspaceId, connectionName);
    }

    @DeleteMapping(WORKSPACE + "/connections/{connectionName}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void revoke(Caller caller, @PathVariable UUID workspaceId, @PathVariable String connectionName) {
        access.require(caller, workspaceId, Scope.SECRETS_MANAGE);
        oauth.revoke(workspaceId, connectionName, caller.principalId());
    }
}
