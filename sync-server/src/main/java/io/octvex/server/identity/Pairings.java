package io.octvex.server.identity;

import io.octvex.protocol.MemberView;
import io.octvex.protocol.PairingCode;
import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.PrincipalView;
import io.octvex.protocol.Role;
import io.octvex.protocol.Scope;
import io.octvex.protocol.Session;
import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.web.ApiException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * One-time pairing codes (ADR 0031): a signed-in user makes one (for themselves, an instance admin for any
 * user, a workspace's member manager as an invitation for a member who never signed in) and a Desk trades it
 * for an ordinary session of that user. A code lives five minutes, works once, and five wrong tries at it
 * burn it. Exchanges return their outcome rather than throw, so a wrong try's count and audit row commit.
 */
@Service
class Pairings {
    static final Duration LIFETIME = Duration.ofMinutes(5);
    static final int MAX_FAILURES = 5;
    static final String NOT_VALID = "this pairing code is not valid: check it, or run `./octvex pair` on the server for a new one";
    private static final String AGAIN = "; run `./octvex pair` on the server for a new one";

    private final PairingStore store;
    private final PairingThrottle throttle;
    private final PrincipalStore principals;
    private final TokenStore tokens;
    private final WorkspaceAccess access;
    private final AuditLog auditLog;
    private final Clock clock;

    Pairings(PairingStore store, PairingThrottle throttle, PrincipalStore principals, TokenStore tokens,
             WorkspaceAccess access, AuditLog auditLog, Clock clock) {
        this.store = store;
        this.throttle = throttle;
        this.principals = principals;
        this.tokens = tokens;
        this.access = access;
        this.auditLog = auditLog;
        this.clock = clock;
    }

    sealed interface Outcome {}

    record Paired(Session session) implements Outcome {}

    /** Refused with an HTTP status (401 wrong or unknown, 410 expired, used or burned) and a sentence. */
    record Refused(int status, String detail) implements Outcome {}

    record Throttled(Instant until) implements Outcome {}

    /** A code for {@code username} (blank: the caller). Only instance admins make codes for someone else. */
    @Transactional
    public PairingCode create(Caller caller, String username) {
        requireSession(caller);
        PairingStore.Target target;
        if (username == null || username.isBlank() || username.strip().equalsIgnoreCase(caller.name())) {
            target = store.user(caller.principalId()).orElseThrow(() -> ApiException.badRequest(
                    "only users pair a Desk: agents and services sign in with API tokens"));
        } else {
            if (!caller.instanceAdmin()) {
                throw ApiException.forbidden("only an instance admin makes a pairing code for another user; "
                        + "leave 'username' out for a code for yourself");
            }
            String name = username.strip();
            target = store.user(name).orElseThrow(() -> ApiException.notFound("user '" + name + "'"));
        }
        return issue(caller, target, null);
    }

    /**
     * An invitation: a code for a user member of {@code workspaceId} who has never signed in and belongs to no
     * other workspace, so the code opens nothing the caller does not already manage.
     */
    @Transactional
    public PairingCode invite(Caller caller, UUID workspaceId, UUID principalId) {
        requireSession(caller);
        List<Role> callerRoles = access.require(caller, workspaceId, Scope.MEMBERS_MANAGE);
        MemberView member = principals.member(workspaceId, principalId)
                .orElseThrow(() -> ApiException.notFound("member " + principalId));
        if (member.principal().kind() != PrincipalKind.USER) {
            throw ApiException.badRequest("only users pair a Desk: agents and services sign in with API tokens");
        }
        PairingStore.Target target = store.user(principalId).orElseThrow();
        String who = member.principal().name();
        if (target.instanceAdmin() || store.memberElsewhere(principalId, workspaceId)) {
            throw ApiException.conflict("an invitation code is only for a user who belongs to this workspace alone; "
                    + who + " has other access, so an instance admin runs `./octvex pair --user " + who + "`");
        }
        if (store.everSignedIn(principalId)) {
            throw ApiException.conflict(who + " has signed in before: an invitation code is for a first sign-in only");
        }
        if (member.roles().contains(Role.OWNER) && !callerRoles.contains(Role.OWNER)) {
            throw ApiException.forbidden("only an owner of the workspace invites an owner");
        }
        return issue(caller, target, workspaceId);
    }

    private PairingCode issue(Caller caller, PairingStore.Target target, UUID workspaceId) {
        if (target.disabled()) {
            throw ApiException.conflict("user '" + target.name() + "' is disabled and cannot pair a Desk");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        store.forgetOld(now.minus(Duration.ofDays(1)));
        String code = PairingCodes.generate();
        for (int i = 0; store.handleTaken(PairingCodes.handleHash(code)); i++) {
            if (i == 20) {
                throw new IllegalStateException("no free pairing code handle after 20 tries");
            }
            code = PairingCodes.generate();
        }
        UUID id = UUID.randomUUID();
        Instant expires = now.plus(LIFETIME);
        store.insert(id, PairingCodes.handleHash(code), PairingCodes.codeHash(code), target.id(),
                caller.principalId(), now, expires);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("codeId", id.toString());
        data.put("principalId", target.id().toString());
        data.put("username", target.name());
        data.put("expiresAt", expires.toString());
        if (workspaceId != null) {
            data.put("invitedTo", workspaceId.toString());
        }
        auditLog.append(AuditLog.INSTANCE, AuditEntry.of("pairing.code_created", caller.principalId(), data));
        return new PairingCode(PairingCodes.display(code), target.name(), expires);
    }

    /** Trades a code for a session of its user, from {@code address}. */
    @Transactional
    public Outcome exchange(String typed, String address) {
        var blocked = throttle.blockedUntil(address);
        if (blocked.isPresent()) {
            return new Throttled(blocked.get());
        }
        String code = PairingCodes.normalize(typed);
        if (code == null) {
            throw ApiException.badRequest(PairingCodes.FORMAT_PROBLEM);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        var found = store.lock(PairingCodes.handleHash(code));
        if (found.isEmpty()) {
            throttle.failed(address);
            return new Refused(401, NOT_VALID);
        }
        PairingStore.Row row = found.get();
        if (row.usedAt() != null) {
            return new Refused(410, "this pairing code was already used: a code works once" + AGAIN);
        }
        if (row.burnedAt() != null) {
            return new Refused(410, "this pairing code was blocked after too many wrong tries" + AGAIN);
        }
        if (!now.isBefore(row.expiresAt())) {
            return new Refused(410, "this pairing code expired (a code is valid for "
                    + LIFETIME.toMinutes() + " minutes)" + AGAIN);
        }
        if (!MessageDigest.isEqual(row.codeHash(), PairingCodes.codeHash(code))) {
            throttle.failed(address);
            int failures = row.failures() + 1;
            if (failures >= MAX_FAILURES) {
                store.recordFailure(row.id(), failures, now);
                auditLog.append(AuditLog.INSTANCE, AuditEntry.of("pairing.code_burned", row.principalId(), Map.of(
                        "codeId", row.id().toString(), "failures", failures, "clientAddress", address)));
                return new Refused(410, "too many wrong tries: this pairing code no longer works" + AGAIN);
            }
            store.recordFailure(row.id(), failures, null);
            return new Refused(401, NOT_VALID);
        }
        PairingStore.Target user = store.user(row.principalId()).orElseThrow();
        if (user.disabled()) {
            return new Refused(401, "the user of this pairing code is disabled");
        }
        store.markUsed(row.id(), now);
        String secret = TokenSecrets.generate();
        UUID tokenId = UUID.randomUUID();
        Instant expires = now.plus(Logins.SESSION_LIFETIME);
        tokens.insertSession(tokenId, user.id(), "pairing", TokenSecrets.hash(secret), now, expires);
        auditLog.append(AuditLog.INSTANCE, AuditEntry.of("pairing.code_used", user.id(), Map.of(
                "codeId", row.id().toString(), "username", user.name(), "tokenId", tokenId.toString(),
                "clientAddress", address)));
        PrincipalView view = principals.find(user.id()).orElseThrow();
        return new Paired(new Session(secret, expires, view));
    }

    private static void requireSession(Caller caller) {
        if (!caller.isSession()) {
            throw ApiException.forbidden("a pairing code is made from a login session, not with an API token");
        }
    }
}
