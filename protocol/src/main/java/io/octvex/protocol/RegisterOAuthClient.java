package io.octvex.protocol;

import java.util.List;

/**
 * Registers a workspace's OAuth client with a provider. {@code clientSecret} goes into the vault as an opaque
 * secret named {@code oauth-client-<name>} and is never returned; leave it out for a public client (PKCE only).
 * {@code tenant} is for Microsoft Entra (default {@code common}). {@code issuer}, or {@code authorizationEndpoint}
 * and {@code tokenEndpoint} (and optionally {@code revocationEndpoint}), are for the generic {@code oidc} provider.
 * {@code scopes} replace the provider's default scopes.
 */
public record RegisterOAuthClient(String name, String provider, String clientId, char[] clientSecret, String tenant,
                                  String issuer, String authorizationEndpoint, String tokenEndpoint,
                                  String revocationEndpoint, List<String> scopes) {}
