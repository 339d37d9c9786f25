package io.octvex.server.identity;

import io.octvex.protocol.CreateToken;
import io.octvex.protocol.IssuedToken;
import io.octvex.protocol.TokenView;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/workspaces/{workspaceId}/tokens")
class TokenController {
    private final Tokens tokens;

    TokenController(Tokens tokens) {
        this.tokens = tokens;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    IssuedToken create(Caller caller, @PathVariable UUID workspaceId, @RequestBody CreateToken request) {
        return tokens.create(caller, workspaceId, request);
    }

    @GetMapping
    List<TokenView> list(Caller caller, @PathVariable UUID workspaceId) {
        return tokens.list(caller, workspaceId);
    }

    @PostMapping("/{tokenId}/revoke")
    TokenView revoke(Caller caller, @PathVariable UUID workspaceId, @PathVariable UUID tokenId) {
        return tokens.revoke(caller, workspaceId, tokenId);
    }
}
