package io.octvex.desk.workspaces;

import io.octvex.protocol.CreateEnrollment;
import io.octvex.protocol.CreatePrincipal;
import io.octvex.protocol.CreateToken;
import io.octvex.protocol.EnrollmentView;
import io.octvex.protocol.IssuedEnrollment;
import io.octvex.protocol.IssuedToken;
import io.octvex.protocol.MemberView;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.PairingCode;
import io.octvex.protocol.Role;
import io.octvex.protocol.TokenView;
import io.octvex.protocol.WorkspaceView;
import java.util.List;
import java.util.UUID;

/**
 * What the workspaces screen needs from the server: the caller's workspaces, and members (with their roles and
 * invitation codes), API tokens and edge
 * enrolment tokens of the current one. Blocking calls, made off the FX thread.
 */
interface WorkspacesApi {
    List<WorkspaceView> workspaces();

    WorkspaceView createWorkspace(String name);

    List<MemberView> members();

    MemberView addMember(CreatePrincipal request);

    MemberView changeRoles(UUID principalId, List<Role> roles);

    void removeMember(UUID principalId);

    /** A one-time pairing code for a member who has never signed in (ADR 0031). */
    PairingCode invite(UUID principalId);

    List<TokenView> tokens();

    IssuedToken createToken(CreateToken request);

    TokenView revokeToken(UUID tokenId);

    List<EnrollmentView> enrollments();

    IssuedEnrollment createEnrollment(CreateEnrollment request);

    EnrollmentView revokeEnrollment(UUID enrollmentId);

    static WorkspacesApi of(OctvexClient client, UUID workspaceId) {
        return new WorkspacesApi() {
            @Override
            public List<WorkspaceView> workspaces() {
                return client.workspaces();
            }

            @Override
            public WorkspaceView createWorkspace(String name) {
                return client.createWorkspace(name);
            }

            @Override
            public List<MemberView> members() {
                return client.members(workspaceId);
            }

            @Override
            public MemberView addMember(CreatePrincipal request) {
                return client.createPrincipal(workspaceId, request);
            }

            @Override
            public MemberView changeRoles(UUID principalId, List<Role> roles) {
                return client.putMembership(workspaceId, principalId, roles);
            }

            @Override
            public void removeMember(UUID principalId) {
                client.removeMember(workspaceId, principalId);
            }

            @Override
            public PairingCode invite(UUID principalId) {
                return client.invitePairingCode(workspaceId, principalId);
            }

            @Override
            public List<TokenView> tokens() {
                return client.tokens(workspaceId);
            }

            @Override
            public IssuedToken createToken(CreateToken request) {
                return client.createToken(workspaceId, request);
            }

            @Override
            public TokenView revokeToken(UUID tokenId) {
                return client.revokeToken(workspaceId, tokenId);
            }

            @Override
            public List<EnrollmentView> enrollments() {
                return client.enrollments(workspaceId);
            }

            @Override
            public IssuedEnrollment createEnrollment(CreateEnrollment request) {
                return client.createEnrollment(workspaceId, request);
            }

            @Override
            public EnrollmentView revokeEnrollment(UUID enrollmentId) {
                return client.revokeEnrollment(workspaceId, enrollmentId);
            }
        };
    }
}
