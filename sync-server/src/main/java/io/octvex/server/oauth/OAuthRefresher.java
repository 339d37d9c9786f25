package io.octvex.server.oauth;

import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.vault.SecretField;
import io.octvex.server.vault.SecretMaterial;
import io.octvex.server.vault.SecretUse;
import io.octvex.server.vault.Vault;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Refreshes OAuth connections ahead of expiry ({@code octvex.oauth.refresh-ahead}). Runs on every replica: each
 * connection is claimed with {@code FOR UPDATE SKIP LOCKED} and refreshed while its row is locked, so exactly one
 * replica uses a refresh token (providers that rotate refresh tokens invalidate the old one on use).
 * <p>
 * A refusal by the provider ({@code invalid_grant}: the grant was revoked or expired) marks the connection
 * {@code failed} at once; a provider that does not answer (or answers 5xx) is retried with exponential back-off
 * (1 min, 2, 4, … at most 1 h) and marked {@code failed} after {@code octvex.oauth.max-attempts}. A failed
 * connection is never retried: only a new authorisation makes it active again. Each failure is an audit event.
 */
@Component
class OAuthRefresher {
    private static final Logger log = LoggerFactory.getLogger(OAuthRefresher.class);
    private static final int MAX_PER_RUN = 1000;
    private static final Duration FIRST_BACKOFF = Duration.ofMinutes(1);
    private static final Duration MAX_BACKOFF = Duration.ofHours(1);

    private final OAuthStore store;
    private final OAuth oauth;
    private final ProviderCalls provider;
    private final Vault vault;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final OAuthProperties settings;

    OAuthRefresher(OAuthStore store, OAuth oauth, ProviderCalls provider, Vault vault, AuditLog audit,
                   TransactionTemplate tx, Clock clock, OAuthProperties settings) {
        this.store = store;
        this.oauth = oauth;
        this.provider = provider;
        this.vault = vault;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
        this.settings = settings;
    }

    @Scheduled(fixedDelayString = "${octvex.oauth.refresh-interval:PT1M}",
            initialDelayString = "${octvex.oauth.refresh-interval:PT1M}")
    void scheduled() {
        try {
            int done = refreshDue();
            if (done > 0) {
                log.info("Refreshed or marked {} OAuth connections", done);
            }
            tx.executeWithoutResult(s -> store.purgeAuthorizations(now().minus(Duration.ofDays(1))));
        } catch (RuntimeException e) {
            log.warn("OAuth refresh failed; the next run retries", e);
        }
    }

    /** Handles every due connection this replica can claim; answers how many (refreshed or failed). */
    int refreshDue() {
        int done = 0;
        while (done < MAX_PER_RUN) {
            try {
                if (!Boolean.TRUE.equals(tx.execute(s -> refreshOne()))) {
                    return done;
                }
            } catch (Unrefreshable e) {
                // its transaction rolled back (the vault refused inside it): record the failure in a new one
                log.warn("OAuth connection {} in workspace {} could not be refreshed", e.connection.name(),
                        e.connection.workspaceId(), e.getCause());
                String reason = "the refresh could not be attempted: "
                        + OAuth.printable(String.valueOf(e.getCause().getMessage()));
                tx.executeWithoutResult(s -> store.lockActive(e.connection.id())
                        .ifPresent(c -> fail(c, reason, null, now())));
            }
            done++;
        }
        return done;
    }

    private boolean refreshOne() {
        Instant now = now();
        Optional<OAuthStore.Connection> due = store.claimDue(now);
        if (due.isEmpty()) {
            return false;
        }
        OAuthStore.Connection connection = due.get();
        char[] refresh = null;
        try {
            OAuthStore.Client client = store.client(connection.workspaceId(), connection.client()).orElseThrow();
            try (SecretMaterial tokens = vault.resolve(connection.workspaceId(), connection.name(),
                    new SecretUse(null, null, null, "oauth.refresh", Map.of("connection", connection.name())))) {
                refresh = tokens.chars(SecretField.REFRESH_TOKEN);
            }
            if (refresh.length == 0) {
                fail(connection, "the connection has no refresh token", null, now);
                return true;
            }
            ProviderCalls.Issued issued = provider.refresh(client,
                    oauth.clientSecret(client, null, "oauth.refresh"), new String(refresh));
            var secret = oauth.seal(connection.workspaceId(), connection.name(), connection.authorizedBy(), issued,
                    refresh);
            Instant expires = issued.lifetime() > 0 ? now.plusSeconds(issued.lifetime()) : null;
            boolean refreshable = true; // the old refresh token is kept when the provider sent no new one
            store.refreshed(connection.id(), refreshable, expires, oauth.refreshAt(refreshable, expires, now),
                    issued.scopes() != null ? issued.scopes() : connection.scopes(), now);
            Map<String, Object> data = OAuth.describe(connection);
            data.put("secretVersion", secret.version());
            data.put("expiresAt", expires == null ? null : expires.toString());
            audit.append(connection.workspaceId(), AuditEntry.of(OAuth.REFRESHED, null, data));
        } catch (ProviderCalls.Refused e) {
            fail(connection, "the provider refused the refresh: " + OAuth.printable(e.getMessage()), null, now);
        } catch (ProviderCalls.Unreachable e) {
            int failures = connection.failures() + 1;
            Instant retry = failures >= settings.maxAttempts() ? null : now.plus(backoff(failures));
            fail(connection, OAuth.printable(e.getMessage()), retry, now);
        } catch (org.springframework.dao.DataAccessException e) {
            throw e; // the database had a moment (a deadlock, a lost connection): the next run retries
        } catch (RuntimeException e) {
            // a broken seal, a deleted client secret: nothing a retry fixes
            throw new Unrefreshable(connection, e);
        } finally {
            if (refresh != null) {
                Arrays.fill(refresh, '\0');
            }
        }
        return true;
    }

    private void fail(OAuthStore.Connection connection, String reason, Instant retryAt, Instant now) {
        int failures = connection.failures() + 1;
        store.refreshFailed(connection.id(), failures, reason, retryAt);
        Map<String, Object> data = OAuth.describe(connection);
        data.put("reason", reason);
        data.put("failures", failures);
        data.put("status", retryAt == null ? "failed" : "active");
        data.put("retryAt", retryAt == null ? null : retryAt.toString());
        audit.append(connection.workspaceId(), AuditEntry.of(OAuth.REFRESH_FAILED, null, data));
    }

    private static final class Unrefreshable extends RuntimeException {
        final transient OAuthStore.Connection connection;

        Unrefreshable(OAuthStore.Connection connection, RuntimeException cause) {
            super(cause);
            this.connection = connection;
        }
    }

    static Duration backoff(int failures) {
        Duration delay = FIRST_BACKOFF.multipliedBy(1L << Math.min(failures - 1, 10));
        return delay.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
