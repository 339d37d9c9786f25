package io.octvex.server.oauth;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the OAuth brokerage ({@code octvex.oauth.*}); see docs/vault.md#oauth-connections.
 *
 * @param redirectUri      the callback URL registered at the providers (default: this server's own
 *                         {@code /api/v1/oauth/callback} as the request that starts the flow reached it); set it
 *                         when the server sits behind a proxy
 * @param authorizationTtl how long a started authorisation (its state) may be completed (default 10 min)
 * @param refreshAhead     how long before expiry the refresh job refreshes a token (default 5 min)
 * @param refreshInterval  how often the refresh job looks for due connections (default 1 min)
 * @param maxAttempts      failed refresh attempts (provider unreachable or erring) after which a connection is
 *                         marked failed; a refusal (e.g. {@code invalid_grant}) fails it at once (default 5)
 * @param httpTimeout      connect and read timeout of calls to a provider (default 10 s)
 * @param allowHttp        accept {@code http://} provider endpoints (default false: https only); for tests and
 *                         local identity providers
 */
@ConfigurationProperties("octvex.oauth")
public record OAuthProperties(String redirectUri, Duration authorizationTtl, Duration refreshAhead,
                              Duration refreshInterval, Integer maxAttempts, Duration httpTimeout, Boolean allowHttp) {
    public OAuthProperties {
        redirectUri = redirectUri == null || redirectUri.isBlank() ? null : redirectUri.strip();
        authorizationTtl = authorizationTtl != null ? authorizationTtl : Duration.ofMinutes(10);
        refreshAhead = refreshAhead != null ? refreshAhead : Duration.ofMinutes(5);
        refreshInterval = refreshInterval != null ? refreshInterval : Duration.ofMinutes(1);
        maxAttempts = maxAttempts != null ? maxAttempts : 5;
        httpTimeout = httpTimeout != null ? httpTimeout : Duration.ofSeconds(10);
        allowHttp = allowHttp != null && allowHttp;
    }
}
