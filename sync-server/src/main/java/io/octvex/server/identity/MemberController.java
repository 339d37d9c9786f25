package io.octvex.server.identity;

import io.octvex.protocol.CreatePrincipal;
import io.octvex.protocol.MemberView;
import io.octvex.protocol.PutMembership;
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

@RestController
@RequestMapping("/api/v1/workspaces/{workspaceId}/members")
class MemberController {
    private final Members members;

    MemberController(Members members) {
        this.members = members;
    }

    @GetMapping
    List<MemberView> list(Caller caller, @PathVariable UUID workspaceId) {
        return members.list(caller, workspaceId);
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    MemberView create(Caller caller, @PathVariable UUID workspaceId, @RequestBody CreatePrincipal request) {
        return members.create(caller, workspaceId, request);
    }

    @PutMapping("/{principalId}")
    MemberView put(Caller caller, @PathVariable UUID workspaceId, @PathVariable UUID principalId,
                   @RequestBody PutMembership request) {
        return members.put(caller, workspaceId, principalId, request);
    }

    @DeleteMapping("/{principalId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void remove(Caller caller, @PathVariable UUID workspaceId, @PathVariable UUID principalId) {
        members.remove(caller, workspaceId, principalId);
    }
}
