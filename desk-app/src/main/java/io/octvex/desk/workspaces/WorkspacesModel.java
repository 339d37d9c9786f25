package io.octvex.desk.workspaces;

import io.octvex.desk.connect.Problems;
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
import io.octvex.protocol.Role;
import io.octvex.protocol.Scope;
import io.octvex.protocol.TokenView;
import io.octvex.protocol.WorkspaceView;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The workspaces screen's state: the caller's workspaces; members, API tokens and edge enrolment tokens of
 * the current workspace; and a freshly issued secret, held only until the user dismisses it (the server
 * never shows it again, and neither does the Desk). Server calls run on {@code io}; properties change on
 * {@code fx}.
 */
final class WorkspacesModel {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault());

    /** One line of the status bar; {@code problem} when it reports a refusal or failure. */
    record Notice(String text, boolean problem) {}

    /** A secret shown once: what it is and its value. */
    record Revealed(String what, String secret) {
        @Override
        public String toString() {
            return "Revealed[what=" + what + ", secret=***]";
        }
    }

    private final WorkspacesApi api;
    private final Executor io;
    private final Executor fx;
    private final ObservableList<WorkspaceView> workspaces = FXCollections.observableArrayList();
    // one read-only view, kept: a fresh wrapper per call would drop listeners added to it once collected
    private final ObservableList<WorkspaceView> workspacesView = FXCollections.unmodifiableObservableList(workspaces);
    private final ObservableList<MemberView> members = FXCollections.observableArrayList();
    private final ObservableList<MemberView> membersView = FXCollections.unmodifiableObservableList(members);
    private final ObservableList<TokenView> tokens = FXCollections.observableArrayList();
    private final ObservableList<TokenView> tokensView = FXCollections.unmodifiableObservableList(tokens);
    private final ObservableList<EnrollmentView> enrollments = FXCollections.observableArrayList();
    private final ObservableList<EnrollmentView> enrollmentsView = FXCollections.unmodifiableObservableList(enrollments);
    private final ReadOnlyObjectWrapper<Notice> notice = new ReadOnlyObjectWrapper<>(new Notice("", false));
    private final ReadOnlyObjectWrapper<Revealed> revealed = new ReadOnlyObjectWrapper<>();

    WorkspacesModel(WorkspacesApi api, Executor io, Executor fx) {
        this.api = api;
        this.io = io;
        this.fx = fx;
    }

    ObservableList<WorkspaceView> workspaces() {
        return workspacesView;
    }

    ObservableList<MemberView> members() {
        return membersView;
    }

    ObservableList<TokenView> tokens() {
        return tokensView;
    }

    ObservableList<EnrollmentView> enrollments() {
        return enrollmentsView;
    }

    ReadOnlyObjectProperty<Notice> noticeProperty() {
        return notice.getReadOnlyProperty();
    }

    /** The secret just issued, until {@link #dismissSecret()}; null otherwise. */
    ReadOnlyObjectProperty<Revealed> revealedProperty() {
        return revealed.getReadOnlyProperty();
    }

    /** Loads every list; one the caller may not see (403) is said and left empty, the others still load. */
    void load() {
        io.execute(() -> {
            StringBuilder refused = new StringBuilder();
            List<WorkspaceView> w = quietly(api::workspaces, "workspaces", refused);
            List<MemberView> m = quietly(api::members, "members", refused);
            List<TokenView> t = quietly(api::tokens, "tokens", refused);
            List<EnrollmentView> e = quietly(api::enrollments, "enrolment tokens", refused);
            fx.execute(() -> {
                workspaces.setAll(w);
                members.setAll(m);
                tokens.setAll(t);
                enrollments.setAll(e);
                if (!refused.isEmpty()) {
                    notice.set(new Notice(refused.toString().strip(), true));
                }
            });
        });
    }

    /** Creates a workspace (instance admins only; the server says so to others); the caller becomes owner. */
    void createWorkspace(String name) {
        if (blank(name)) {
            notice.set(new Notice("A workspace needs a name.", true));
            return;
        }
        call("Create workspace", () -> "Created workspace " + api.createWorkspace(name.strip()).name()
                + "; you are its owner. Sign in to it to work there.");
    }

    /**
     * Creates a user (password of 12+ characters), agent or service and adds it with {@code roles}. A new user
     * is invited: a one-time pairing code for them is shown once, to pass on instead of the password.
     */
    void addMember(PrincipalKind kind, String name, String displayName, String password, List<Role> roles) {
        if (kind == null || blank(name)) {
            notice.set(new Notice("A member needs a kind and a name.", true));
            return;
        }
        if (roles.isEmpty()) {
            notice.set(new Notice("Pick at least one role.", true));
            return;
        }
        if (kind == PrincipalKind.USER && (password == null || password.length() < 12)) {
            notice.set(new Notice("A user needs a password of at least 12 characters.", true));
            return;
        }
        var request = new CreatePrincipal(kind, name.strip(), blank(displayName) ? null : displayName.strip(),
                kind == PrincipalKind.USER ? password : null, List.copyOf(roles));
        call("Add member", () -> {
            MemberView m = api.addMember(request);
            String added = "Added " + m.principal().name() + " as " + m.roles().stream().map(Role::wire).toList() + ".";
            if (kind != PrincipalKind.USER) {
                return added;
            }
            try {
                revealInvitation(api.invite(m.principal().id()));
                return added + " Pass on the invitation code now.";
            } catch (RuntimeException e) {
                return added + " No invitation code: " + describe(e);
            }
        });
    }

    /** Gives a member exactly {@code roles}; the server keeps the last owner (409, said as it says it). */
    void changeRoles(MemberView member, List<Role> roles) {
        if (member == null) {
            notice.set(new Notice("Select a member first.", true));
            return;
        }
        if (roles.isEmpty()) {
            notice.set(new Notice("Pick at least one role; to take every role away, remove the member.", true));
            return;
        }
        call("Change roles", () -> {
            MemberView m = api.changeRoles(member.principal().id(), List.copyOf(roles));
            return m.principal().name() + " now has " + m.roles().stream().map(Role::wire).toList() + ".";
        });
    }

    /** Removes a member (the view has asked for confirmation); their API tokens here are revoked. */
    void removeMember(MemberView member) {
        call("Remove member", () -> {
            api.removeMember(member.principal().id());
            return "Removed " + member.principal().name() + " from the workspace.";
        });
    }

    /** A fresh invitation code for a member who has not signed in yet, shown once. */
    void invite(MemberView member) {
        if (member == null) {
            notice.set(new Notice("Select a member first.", true));
            return;
        }
        call("Invitation code", () -> {
            revealInvitation(api.invite(member.principal().id()));
            return "Invitation code for " + member.principal().name() + " created; pass it on now.";
        });
    }

    private void revealInvitation(PairingCode code) {
        fx.execute(() -> revealed.set(new Revealed("Invitation for " + code.username() + ": they choose \"Pair with "
                + "a code\" in the Desk and type this (works once, until "
                + TIME.format(code.expiresAt()) + ")", code.code())));
    }

    /** Issues an API token for me; its secret is shown once. */
    void createToken(String name, List<Scope> scopes) {
        if (blank(name)) {
            notice.set(new Notice("A token needs a name.", true));
            return;
        }
        if (scopes.isEmpty()) {
            notice.set(new Notice("Pick at least one scope.", true));
            return;
        }
        var request = new CreateToken(name.strip(), List.copyOf(scopes), null, null);
        call("Create token", () -> {
            IssuedToken issued = api.createToken(request);
            fx.execute(() -> revealed.set(new Revealed("API token '" + issued.token().name() + "'", issued.secret())));
            return "Token '" + issued.token().name() + "' created; copy its secret now.";
        });
    }

    void revokeToken(TokenView token) {
        call("Revoke token", () -> "Revoked token '" + api.revokeToken(token.id()).name() + "'.");
    }

    /** Issues an edge enrolment token for this workspace; {@code maxUses} blank means 1. */
    void createEnrollment(String name, String maxUses) {
        if (blank(name)) {
            notice.set(new Notice("An enrolment token needs a name.", true));
            return;
        }
        Integer uses;
        try {
            uses = blank(maxUses) ? null : Integer.valueOf(maxUses.strip());
        } catch (NumberFormatException e) {
            notice.set(new Notice("Uses must be a whole number, not '" + maxUses.strip() + "'.", true));
            return;
        }
        var request = new CreateEnrollment(name.strip(), null, uses, null);
        call("Create enrolment token", () -> {
            IssuedEnrollment issued = api.createEnrollment(request);
            fx.execute(() -> revealed.set(new Revealed("Enrolment token '" + issued.enrollment().name()
                    + "' (octvex edge --enroll …)", issued.token())));
            return "Enrolment token '" + issued.enrollment().name() + "' created; copy it now.";
        });
    }

    void revokeEnrollment(EnrollmentView enrollment) {
        call("Revoke enrolment token", () -> "Revoked enrolment token '"
                + api.revokeEnrollment(enrollment.id()).name() + "'.");
    }

    /** Forgets the shown secret: it cannot be shown again. */
    void dismissSecret() {
        revealed.set(null);
    }

    private void call(String what, Supplier<String> work) {
        notice.set(new Notice(what + "…", false));
        io.execute(() -> {
            try {
                String said = work.get();
                fx.execute(() -> notice.set(new Notice(said, false)));
                load();
            } catch (RuntimeException e) {
                fx.execute(() -> notice.set(new Notice(what + " refused: " + describe(e), true)));
            }
        });
    }

    /** A conflict here is a rule of the workspace (its last owner), not a race: the server's sentence says it. */
    private static String describe(RuntimeException e) {
        return e instanceof OctvexApiException api && api.status() == 409 && api.problem().detail() != null
                ? api.problem().detail() : Problems.describe(e);
    }

    private static <T> List<T> quietly(Supplier<List<T>> call, String what, StringBuilder refused) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            refused.append("Cannot list ").append(what).append(": ").append(Problems.describe(e)).append(' ');
            return List.of();
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
