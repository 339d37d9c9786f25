package io.octvex.server.identity;

import io.octvex.protocol.CreateToken;
import io.octvex.protocol.IssuedToken;
import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.Scope;
import io.octvex.protocol.TokenView;
import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.web.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * API tokens: one workspace, a set of scopes, an expiry, revocable. A token never grants more than its
 * issuer holds, and at use its scopes are intersected with its principal's roles again (see ADR 0003).
 */
@Service
class Tokens {
    static final Duration DEFAULT_LIFETIME = Duration.ofDays(90);
    static final Duration MAX_LIFETIME = Duration.ofDays(365);

    private final WorkspaceAccess access;
    private final TokenStore tokens;
    private final PrincipalStore principals;
    private final AuditLog auditLog;
    private final Clock clock;

    Tokens(WorkspaceAccess access, TokenStore tokens, PrincipalStore principals, AuditLog auditLog, Clock clock) {
        this.access = access;
        this.tokens = tokens;
        this.principals = principals;
        this.auditLog = auditLog;
        this.clock = clock;
    }

    @Transactional
    public IssuedToken create(Caller caller, UUID workspaceId, CreateToken request) {
        WorkspaceAccess.Access mine = access.check(caller, workspaceId);
        String name = Inputs.name("name", request.name(), 100);
        Set<Scope> scopes = Inputs.scopes(request.scopes());
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Instant expiresAt = expiry(caller, request.expiresAt(), now);
        UUID holder = request.principalId() == null ? caller.principalId() : request.principalId();
        if (!holder.equals(caller.principalId())) {
            if (!mine.has(Scope.TOKENS_MANAGE)) {
                throw ApiException.forbidden("issuing a token for another principal needs the 'tokens:manage' right");
            }
            PrincipalStore.Ref principal = principals.ref(holder)
                    .orElseThrow(() -> ApiException.notFound("principal " + holder));
            if (principal.kind() == PrincipalKind.USER) {
                throw ApiException.forbidden("a person's tokens are issued by that person only: "
                        + "issue tokens for agents and services of the workspace");
            }
            Set<Scope> holderRights = principals.member(workspaceId, holder)
                    .map(m -> RoleRights.of(m.roles()))
                    .orElseThrow(() -> ApiException.notFound("member " + holder));
            Set<Scope> beyond = minus(scopes, holderRights);
            if (!beyond.isEmpty()) {
                throw ApiException.badRequest("'scopes' asks for " + wire(beyond) + ", which the principal's roles "
                        + "in this workspace do not grant");
            }
        }
        Set<Scope> beyondMine = minus(scopes, mine.rights());
        if (!beyondMine.isEmpty()) {
            throw ApiException.forbidden("'scopes' asks for " + wire(beyondMine) + ", which "
                    + (caller.isSession() ? "your roles " : "this token (or its principal's roles) ")
                    + "in this workspace do not grant; a token can never do more than whoever issues it");
        }
        if (mine.archived()) {
            throw ApiException.conflict("the workspace is archived: it can be read but not changed");
        }
        String secret = TokenSecrets.generate();
        UUID id = UUID.randomUUID();
        tokens.insertApi(id, workspaceId, holder, name, TokenSecrets.hash(secret), scopes, now, expiresAt);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("tokenId", id.toString());
        data.put("name", name);
        data.put("scopes", wire(scopes));
        data.put("principalId", holder.toString());
        data.put("expiresAt", expiresAt.toString());
        auditLog.append(workspaceId, AuditEntry.of("token.created", caller.principalId(), data));
        return new IssuedToken(new TokenView(id, workspaceId, holder, name, List.copyOf(scopes), now, expiresAt,
                null, null), secret);
    }

    /** Everyone sees their own tokens; with 'tokens:manage', all API tokens of the workspace. */
    @Transactional(readOnly = true)
    public List<TokenView> list(Caller caller, UUID workspaceId) {
        WorkspaceAccess.Access mine = access.check(caller, workspaceId);
        return tokens.list(workspaceId, mine.has(Scope.TOKENS_MANAGE) ? null : caller.principalId());
    }

    /** Anyone may revoke their own token, also in an archived workspace; others' need 'tokens:manage'. */
    @Transactional
    public TokenView revoke(Caller caller, UUID workspaceId, UUID tokenId) {
        WorkspaceAccess.Access mine = access.check(caller, workspaceId);
        TokenView token = tokens.find(workspaceId, tokenId)
                .filter(t -> t.principalId().equals(caller.principalId()) || mine.has(Scope.TOKENS_MANAGE))
                .orElseThrow(() -> ApiException.notFound("token " + tokenId));
        if (token.revokedAt() != null) {
            return token;
        }
        tokens.revoke(tokenId, clock.instant().truncatedTo(ChronoUnit.MICROS));
        auditLog.append(workspaceId, AuditEntry.of("token.revoked", caller.principalId(), Map.of(
                "tokenId", tokenId.toString(), "name", token.name(), "principalId", token.principalId().toString())));
        return tokens.find(workspaceId, tokenId).orElseThrow();
    }

    private Instant expiry(Caller caller, Instant requested, Instant now) {
        Instant expiresAt = requested == null ? now.plus(DEFAULT_LIFETIME) : requested.truncatedTo(ChronoUnit.MICROS);
        if (!expiresAt.isAfter(now)) {
            throw ApiException.badRequest("'expiresAt' must be in the future");
        }
        if (expiresAt.isAfter(now.plus(MAX_LIFETIME))) {
            throw ApiException.badRequest("'expiresAt' must be at most one year ahead (" + now.plus(MAX_LIFETIME) + ")");
        }
        if (!caller.isSession()) {
            Instant own = tokens.expiresAt(caller.tokenId()).orElse(now);
            if (expiresAt.isAfter(own)) {
                if (requested != null) {
                    throw ApiException.badRequest("'expiresAt' must not be later than the expiry of the token "
                            + "issuing it (" + own + ")");
                }
                expiresAt = own;
            }
        }
        return expiresAt;
    }

    private static Set<Scope> minus(Set<Scope> wanted, Set<Scope> held) {
        Set<Scope> beyond = EnumSet.noneOf(Scope.class);
        beyond.addAll(wanted);
        beyond.removeAll(held);
        return beyond;
    }

    private static List<String> wire(Set<Scope> scopes) {
        return scopes.stream().map(Scope::wire).toList();
    }
}
