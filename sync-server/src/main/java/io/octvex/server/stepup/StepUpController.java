package io.octvex.server.stepup;

import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.KeyChallenge;
import io.octvex.protocol.Scope;
import io.octvex.protocol.StartStepUp;
import io.octvex.protocol.StepUpAssertion;
import io.octvex.protocol.WebAuthnCeremony;
import io.octvex.protocol.WebAuthnCredentialView;
import io.octvex.protocol.WebAuthnRegistration;
import io.octvex.server.identity.Caller;
import io.octvex.server.identity.WorkspaceAccess;
import io.octvex.server.web.ApiException;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The caller's own security keys, and step-up approvals. Keys belong to a principal, not a workspace; a
 * step-up needs {@code runs:read} in the workspace like any answer, and then what {@code Approvals} checks.
 */
@RestController
class StepUpController {
    private final StepUps stepUps;
    private final WorkspaceAccess access;

    StepUpController(StepUps stepUps, WorkspaceAccess access) {
        this.stepUps = stepUps;
        this.access = access;
    }

    @PostMapping("/api/v1/me/webauthn/registrations")
    @ResponseStatus(HttpStatus.CREATED)
    WebAuthnCeremony startRegistration(Caller caller, @RequestBody(required = false) WebAuthnRegistration request) {
        if (request != null && request.credential() != null) {
            throw ApiException.badRequest("a registration starts with a 'label' only; its credential goes to "
                    + "POST /api/v1/me/webauthn/registrations/{registrationId}");
        }
        return stepUps.startRegistration(caller.principalId(), caller.name(), request == null ? null : request.label(),
                request == null ? null : request.proof());
    }

    /** A challenge one of the caller's keys answers before a key is added or removed (ADR 0026, addendum). */
    @PostMapping("/api/v1/me/webauthn/key-challenges")
    @ResponseStatus(HttpStatus.CREATED)
    WebAuthnCeremony startKeyChallenge(Caller caller, @RequestBody(required = false) KeyChallenge request) {
        return stepUps.startKeyChallenge(caller.principalId(), request);
    }

    @PostMapping("/api/v1/me/webauthn/registrations/{registrationId}")
    @ResponseStatus(HttpStatus.CREATED)
    WebAuthnCredentialView finishRegistration(Caller caller, @PathVariable UUID registrationId,
                                              @RequestBody(required = false) WebAuthnRegistration request) {
        return stepUps.finishRegistration(caller.principalId(), registrationId,
                request == null ? null : request.credential());
    }

    @GetMapping("/api/v1/me/webauthn/credentials")
    List<WebAuthnCredentialView> credentials(Caller caller) {
        return stepUps.credentials(caller.principalId());
    }

    @DeleteMapping("/api/v1/me/webauthn/credentials/{credentialId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void remove(Caller caller, @PathVariable UUID credentialId,
                @RequestBody(required = false) StepUpAssertion proof) {
        stepUps.remove(caller.principalId(), credentialId, proof);
    }

    /** An instance admin clears another principal's keys (a lost key); audited. */
    @DeleteMapping("/api/v1/principals/{principalId}/webauthn/credentials")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void reset(Caller caller, @PathVariable UUID principalId) {
        stepUps.reset(caller.principalId(), caller.instanceAdmin() && caller.isSession(), principalId);
    }

    @PostMapping("/api/v1/workspaces/{workspaceId}/approvals/{approvalId}/step-up")
    @ResponseStatus(HttpStatus.CREATED)
    WebAuthnCeremony startStepUp(Caller caller, @PathVariable UUID workspaceId, @PathVariable UUID approvalId,
                                 @RequestBody(required = false) StartStepUp request) {
        access.require(caller, workspaceId, Scope.RUNS_READ);
        return stepUps.startStepUp(workspaceId, approvalId, caller.principalId(), request);
    }

    @PostMapping("/api/v1/workspaces/{workspaceId}/approvals/{approvalId}/step-up/assertion")
    ApprovalView finishStepUp(Caller caller, @PathVariable UUID workspaceId, @PathVariable UUID approvalId,
                              @RequestBody(required = false) StepUpAssertion assertion) {
        access.require(caller, workspaceId, Scope.RUNS_READ);
        return stepUps.finishStepUp(workspaceId, approvalId, caller.principalId(),
                assertion == null ? null : assertion.challengeId(), assertion == null ? null : assertion.credential());
    }
}
