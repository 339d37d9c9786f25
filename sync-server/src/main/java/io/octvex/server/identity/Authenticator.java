package io.octvex.server.identity;

import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Turns a presented secret into a {@link Caller}: unknown, expired and revoked tokens and disabled principals
 * give nothing. A use is recorded (last_used_at and a {@code token.used} event, in one transaction) at most
 * once a minute per token, so a busy agent does not write an event per request.
 */
@Service
class Authenticator {
    private final TokenStore tokens;
    private final AuditLog auditLog;
    private final TransactionTemplate tx;
    private final Clock clock;

    Authenticator(TokenStore tokens, AuditLog auditLog, TransactionTemplate tx, Clock clock) {
        this.tokens = tokens;
        this.auditLog = auditLog;
        this.tx = tx;
        this.clock = clock;
    }

    Optional<Caller> authenticate(String secret) {
        if (!TokenSecrets.wellFormed(secret)) {
            return Optional.empty();
        }
        Optional<TokenStore.Presented> found = tokens.findBySecretHash(TokenSecrets.hash(secret));
        Instant now = clock.instant();
        if (found.isEmpty() || found.get().revokedAt() != null || !found.get().expiresAt().isAfter(now)
                || found.get().disabled()) {
            return Optional.empty();
        }
        TokenStore.Presented token = found.get();
        if (token.lastUsedAt() == null || !token.lastUsedAt().isAfter(now.minus(TokenStore.TOUCH_INTERVAL))) {
            recordUse(token, now);
        }
        return Optional.of(new Caller(token.principalId(), token.kind(), token.principalName(), token.instanceAdmin(),
                token.tokenId(), token.workspaceId(), token.workspaceId() == null ? Set.of() : token.scopes()));
    }

    private void recordUse(TokenStore.Presented token, Instant now) {
        tx.executeWithoutResult(status -> {
            if (tokens.touch(token.tokenId(), now)) {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("tokenId", token.tokenId().toString());
                data.put("name", token.tokenName());
                auditLog.append(token.workspaceId() == null ? AuditLog.INSTANCE : token.workspaceId(),
                        AuditEntry.of("token.used", token.principalId(), data));
            }
        });
    }
}
