package io.octvex.server.identity;

import io.octvex.protocol.PrincipalView;
import io.octvex.protocol.Session;
import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.web.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Password logins and session tokens. Five consecutive failures lock an account for fifteen minutes. An
 * unknown name and a wrong password get the same answer and take the same time. Every attempt is audited in
 * the instance chain; the outcome is returned rather than thrown, so the failure counter and the audit rows
 * of a failed attempt are committed.
 */
@Service
class Logins {
    static final int MAX_FAILURES = 5;
    static final Duration LOCKOUT = Duration.ofMinutes(15);
    static final Duration SESSION_LIFETIME = Duration.ofHours(12);
    private static final int MAX_AUDITED_NAME = 100;

    private final PrincipalStore principals;
    private final TokenStore tokens;
    private final Passwords passwords;
    private final AuditLog auditLog;
    private final Clock clock;

    Logins(PrincipalStore principals, TokenStore tokens, Passwords passwords, AuditLog auditLog, Clock clock) {
        this.principals = principals;
        this.tokens = tokens;
        this.passwords = passwords;
        this.auditLog = auditLog;
        this.clock = clock;
    }

    sealed interface Outcome {}

    record LoggedIn(Session session) implements Outcome {}

    record Refused() implements Outcome {}

    record Locked(Instant until) implements Outcome {}

    @Transactional
    public Outcome login(String username, char[] password) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Optional<PrincipalStore.LoginRow> found = principals.lockUserForLogin(username);
        if (found.isEmpty()) {
            passwords.verifyDecoy(password);
            failed(null, username, "unknown_user");
            return new Refused();
        }
        PrincipalStore.LoginRow user = found.get();
        UUID id = user.view().id();
        if (user.lockedUntil() != null && user.lockedUntil().isAfter(now)) {
            failed(id, username, "locked");
            return new Locked(user.lockedUntil());
        }
        boolean matches = passwords.verify(password, user.passwordHash());
        if (matches && user.disabled()) {
            failed(id, username, "disabled");
            return new Refused();
        }
        if (!matches) {
            int failures = (user.lockedUntil() != null ? 0 : user.failedLogins()) + 1;
            failed(id, username, "wrong_password");
            if (failures >= MAX_FAILURES) {
                Instant until = now.plus(LOCKOUT);
                principals.recordFailures(id, 0, until);
                auditLog.append(AuditLog.INSTANCE, AuditEntry.of("auth.locked", id, Map.of(
                        "username", user.view().name(), "failures", failures, "lockedUntil", until.toString())));
                return new Locked(until);
            }
            principals.recordFailures(id, failures, null);
            return new Refused();
        }
        principals.clearFailures(id);
        String secret = TokenSecrets.generate();
        UUID tokenId = UUID.randomUUID();
        Instant expires = now.plus(SESSION_LIFETIME);
        tokens.insertSession(tokenId, id, "login", TokenSecrets.hash(secret), now, expires);
        auditLog.append(AuditLog.INSTANCE, AuditEntry.of("auth.login_succeeded", id, Map.of(
                "username", user.view().name(), "tokenId", tokenId.toString())));
        return new LoggedIn(new Session(secret, expires, user.view()));
    }

    /** Revokes the session the caller is using. */
    @Transactional
    public void logout(Caller caller) {
        if (!caller.isSession()) {
            throw ApiException.badRequest("logout ends a login session; an API token is revoked with "
                    + "POST /api/v1/workspaces/{workspaceId}/tokens/{tokenId}/revoke");
        }
        if (tokens.revoke(caller.tokenId(), clock.instant())) {
            auditLog.append(AuditLog.INSTANCE, AuditEntry.of("auth.logged_out", caller.principalId(),
                    Map.of("tokenId", caller.tokenId().toString())));
        }
    }

    /**
     * Changes the caller's own password after checking the current one, and ends the caller's other
     * sessions (a stolen session should not outlive the change). Only a login session may do this.
     */
    @Transactional
    public void changePassword(Caller caller, char[] current, char[] next) {
        if (!caller.isSession()) {
            throw ApiException.badRequest("a password is changed from a login session, not with an API token");
        }
        String stored = principals.lockPasswordHash(caller.principalId())
                .orElseThrow(() -> ApiException.badRequest("only users have passwords"));
        if (stored == null || !passwords.verify(current, stored)) {
            throw ApiException.forbidden("the current password is wrong");
        }
        String problem = Passwords.problemWith(next);
        if (problem != null) {
            throw ApiException.badRequest(problem.replace("'password'", "'newPassword'"));
        }
        principals.setPasswordHash(caller.principalId(), passwords.hash(next));
        int ended = tokens.revokeOtherSessions(caller.principalId(), caller.tokenId(), clock.instant());
        auditLog.append(AuditLog.INSTANCE, AuditEntry.of("auth.password_changed", caller.principalId(),
                Map.of("otherSessionsEnded", ended)));
    }

    @Transactional(readOnly = true)
    public PrincipalView me(Caller caller) {
        return principals.find(caller.principalId()).orElseThrow(
                () -> ApiException.unauthorized("the token's principal no longer exists"));
    }

    private void failed(UUID principalId, String username, String reason) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("username", username.length() > MAX_AUDITED_NAME ? username.substring(0, MAX_AUDITED_NAME) : username);
        data.put("reason", reason);
        auditLog.append(AuditLog.INSTANCE, AuditEntry.of("auth.login_failed", principalId, data));
    }
}
