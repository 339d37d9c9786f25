package io.octvex.protocol;

import java.util.List;

/**
 * A provider the OAuth brokerage knows: its well-known endpoints (a {@code {tenant}} placeholder for Microsoft
 * Entra), the scopes a client gets when it names none, and whether it is the generic OIDC / OAuth 2 entry, which
 * takes an issuer (discovery) or explicit endpoints. {@code revocationEndpoint} is absent when the provider has
 * no RFC 7009 revocation endpoint.
 */
public record OAuthProviderView(String id, String name, String authorizationEndpoint, String tokenEndpoint,
                                String revocationEndpoint, List<String> defaultScopes, boolean generic) {}
