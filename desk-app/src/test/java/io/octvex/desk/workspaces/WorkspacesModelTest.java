package io.octvex.desk.workspaces;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.CreateEnrollment;
import io.octvex.protocol.CreatePrincipal;
import io.octvex.protocol.CreateToken;
import io.octvex.protocol.EnrollmentView;
import io.octvex.protocol.IssuedEnrollment;
import io.octvex.protocol.IssuedToken;
import io.octvex.protocol.MemberView;
import io.octvex.protocol.OctvexApiException;
import io.octvex.protocol.PairingCode;
import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.PrincipalView;
import io.octvex.protocol.Problem;
import io.octvex.protocol.Role;
import io.octvex.protocol.Scope;
import io.octvex.protocol.TokenView;
import io.octvex.protocol.WorkspaceStatus;
import io.octvex.protocol.WorkspaceView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The workspaces model against a fake server: a secret shown once, revocation, refusals as sentences. */
class WorkspacesModelTest {
    private static final Instant T0 = Instant.parse("2026-11-24T08:00:00Z");
    private static final UUID WS = UUID.randomUUID();
    private final FakeApi api = new FakeApi();
    private final WorkspacesModel model = new WorkspacesModel(api, Runnable::run, Runnable::run);

    @Test
    void aNewTokensSecretIsShownUntilDismissedAndNeverKeptInTheList() {
        model.createToken("ci agent", List.of(Scope.RUNS_READ, Scope.EVENTS_READ));

        assertThat(api.tokenRequests).containsExactly(new CreateToken("ci agent",
                List.of(Scope.RUNS_READ, Scope.EVENTS_READ), null, null));
        assertThat(model.revealedProperty().get()).isEqualTo(new WorkspacesModel.Revealed("API token 'ci agent'",
                "ovx_secret_1"));
        assertThat(model.revealedProperty().get().toString()).doesNotContain("ovx_secret_1");
        assertThat(model.tokens()).extracting(TokenView::name).containsExactly("ci agent");
        assertThat(model.noticeProperty().get().text()).isEqualTo("Token 'ci agent' created; copy its secret now.");

        model.dismissSecret();
        assertThat(model.revealedProperty().get()).isNull();
    }

    @Test
    void revokingATokenAsksTheServerAndReloads() {
        model.createToken("ci agent", List.of(Scope.RUNS_READ));
        model.revokeToken(model.tokens().getFirst());
        assertThat(model.tokens().getFirst().revokedAt()).isNotNull();
        assertThat(model.noticeProperty().get().text()).isEqualTo("Revoked token 'ci agent'.");
    }

    @Test
    void inputThatCannotWorkIsSaidBeforeAnyCall() {
        model.createToken(" ", List.of(Scope.RUNS_READ));
        assertThat(model.noticeProperty().get().text()).isEqualTo("A token needs a name.");
        model.createToken("t", List.of());
        assertThat(model.noticeProperty().get().text()).isEqualTo("Pick at least one scope.");
        model.addMember(PrincipalKind.USER, "bob", null, "short", List.of(Role.VIEWER));
        assertThat(model.noticeProperty().get().text()).isEqualTo("A user needs a password of at least 12 characters.");
        model.createEnrollment("box", "many");
        assertThat(model.noticeProperty().get().text()).isEqualTo("Uses must be a whole number, not 'many'.");
        assertThat(api.calls).isZero();
    }

    @Test
    void anAgentIsAddedWithoutAPasswordAndAnEnrolmentTokenIsShownOnce() {
        model.addMember(PrincipalKind.AGENT, "bot", "Build bot", "ignored for agents", List.of(Role.AGENT));
        assertThat(api.memberRequests).containsExactly(new CreatePrincipal(PrincipalKind.AGENT, "bot", "Build bot",
                null, List.of(Role.AGENT)));
        assertThat(model.noticeProperty().get().text()).isEqualTo("Added bot as [agent].");

        model.createEnrollment("build box", "3");
        assertThat(api.enrollmentRequests).containsExactly(new CreateEnrollment("build box", null, 3, null));
        assertThat(model.revealedProperty().get().secret()).isEqualTo("ovx_enr_1");
    }

    @Test
    void aRefusalIsASentenceAndAListTheCallerMayNotSeeDoesNotHideTheOthers() {
        api.refuseWorkspace = true;
        model.createWorkspace("billing");
        assertThat(model.noticeProperty().get()).isEqualTo(new WorkspacesModel.Notice(
                "Create workspace refused: Not allowed: only instance admins create workspaces", true));

        api.refuseEnrollments = true;
        model.load();
        assertThat(model.workspaces()).hasSize(1);
        assertThat(model.noticeProperty().get().text())
                .isEqualTo("Cannot list enrolment tokens: Not allowed: needs workspace:admin");
    }

    @Test
    void aNewUserIsInvitedWithACodeShownOnce() {
        model.addMember(PrincipalKind.USER, "carol", null, "an initial password", List.of(Role.APPROVER));
        assertThat(model.noticeProperty().get().text())
                .isEqualTo("Added carol as [approver]. Pass on the invitation code now.");
        assertThat(model.revealedProperty().get().secret()).isEqualTo("ABCD-EF23");
        assertThat(model.revealedProperty().get().what()).startsWith("Invitation for carol");
        model.dismissSecret();
        assertThat(model.revealedProperty().get()).isNull();
    }

    @Test
    void rolesChangeAndAMemberIsRemovedThenTheListReloads() {
        model.addMember(PrincipalKind.AGENT, "bot", null, null, List.of(Role.AGENT));
        MemberView bot = model.members().getFirst();
        model.changeRoles(bot, List.of(Role.AGENT, Role.OPERATOR));
        assertThat(model.members().getFirst().roles()).containsExactly(Role.AGENT, Role.OPERATOR);
        assertThat(model.noticeProperty().get().text()).isEqualTo("bot now has [agent, operator].");

        model.removeMember(model.members().getFirst());
        assertThat(model.members()).isEmpty();
        assertThat(model.noticeProperty().get().text()).isEqualTo("Removed bot from the workspace.");
    }

    @Test
    void theLastOwnerIsKeptAndTheServersSentenceIsShown() {
        model.addMember(PrincipalKind.AGENT, "bot", null, null, List.of(Role.OWNER));
        api.lastOwner = true;
        model.changeRoles(model.members().getFirst(), List.of(Role.VIEWER));
        assertThat(model.noticeProperty().get()).isEqualTo(new WorkspacesModel.Notice(
                "Change roles refused: this is the workspace's last owner: make someone else an owner first", true));
        int before = api.calls;
        model.changeRoles(model.members().getFirst(), List.of());
        assertThat(model.noticeProperty().get().text()).startsWith("Pick at least one role");
        assertThat(api.calls).isEqualTo(before);
    }

    private static final class FakeApi implements WorkspacesApi {
        final List<TokenView> tokens = new ArrayList<>();
        final List<CreateToken> tokenRequests = new ArrayList<>();
        final List<CreatePrincipal> memberRequests = new ArrayList<>();
        final List<MemberView> members = new ArrayList<>();
        boolean lastOwner;
        final List<CreateEnrollment> enrollmentRequests = new ArrayList<>();
        int calls;
        boolean refuseWorkspace;
        boolean refuseEnrollments;

        @Override
        public List<WorkspaceView> workspaces() {
            return List.of(new WorkspaceView(WS, "default", WorkspaceStatus.ACTIVE, T0, T0, List.of(Role.OWNER)));
        }

        @Override
        public WorkspaceView createWorkspace(String name) {
            calls++;
            if (refuseWorkspace) {
                throw forbidden("only instance admins create workspaces");
            }
            return new WorkspaceView(UUID.randomUUID(), name, WorkspaceStatus.ACTIVE, T0, T0, List.of(Role.OWNER));
        }

        @Override
        public List<MemberView> members() {
            return List.copyOf(members);
        }

        @Override
        public MemberView addMember(CreatePrincipal request) {
            calls++;
            memberRequests.add(request);
            var added = new MemberView(new PrincipalView(UUID.randomUUID(), request.kind(), request.name(),
                    request.displayName(), false, T0), request.roles(), T0);
            members.add(added);
            return added;
        }

        @Override
        public MemberView changeRoles(UUID principalId, List<Role> roles) {
            calls++;
            if (lastOwner) {
                throw new OctvexApiException(new Problem("about:blank", "Conflict", 409,
                        "this is the workspace's last owner: make someone else an owner first", null));
            }
            members.replaceAll(m -> m.principal().id().equals(principalId) ? new MemberView(m.principal(), roles, T0) : m);
            return members.stream().filter(m -> m.principal().id().equals(principalId)).findFirst().orElseThrow();
        }

        @Override
        public void removeMember(UUID principalId) {
            calls++;
            members.removeIf(m -> m.principal().id().equals(principalId));
        }

        @Override
        public PairingCode invite(UUID principalId) {
            calls++;
            var m = members.stream().filter(x -> x.principal().id().equals(principalId)).findFirst().orElseThrow();
            return new PairingCode("ABCD-EF23", m.principal().name(), T0.plusSeconds(300));
        }

        @Override
        public List<TokenView> tokens() {
            return List.copyOf(tokens);
        }

        @Override
        public IssuedToken createToken(CreateToken request) {
            calls++;
            tokenRequests.add(request);
            var view = new TokenView(UUID.randomUUID(), WS, UUID.randomUUID(), request.name(), request.scopes(), T0,
                    T0.plusSeconds(86400), null, null);
            tokens.add(view);
            return new IssuedToken(view, "ovx_secret_" + tokens.size());
        }

        @Override
        public TokenView revokeToken(UUID tokenId) {
            calls++;
            tokens.replaceAll(t -> t.id().equals(tokenId) ? new TokenView(t.id(), t.workspaceId(), t.principalId(),
                    t.name(), t.scopes(), t.createdAt(), t.expiresAt(), T0, null) : t);
            return tokens.stream().filter(t -> t.id().equals(tokenId)).findFirst().orElseThrow();
        }

        @Override
        public List<EnrollmentView> enrollments() {
            if (refuseEnrollments) {
                throw forbidden("needs workspace:admin");
            }
            return List.of();
        }

        @Override
        public IssuedEnrollment createEnrollment(CreateEnrollment request) {
            calls++;
            enrollmentRequests.add(request);
            return new IssuedEnrollment(new EnrollmentView(UUID.randomUUID(), request.name(), List.of(WS),
                    request.maxUses(), 0, T0, T0.plusSeconds(86400), null), "ovx_enr_1");
        }

        @Override
        public EnrollmentView revokeEnrollment(UUID enrollmentId) {
            throw new UnsupportedOperationException();
        }

        private static OctvexApiException forbidden(String detail) {
            return new OctvexApiException(new Problem("about:blank", "Forbidden", 403, detail, null));
        }
    }
}
