package io.octvex.server.oauth;

import io.octvex.protocol.OAuthProviderView;
import java.util.List;
import java.util.Map;

/**
 * A provider's well-known endpoints. {@code clientAuth} is how a confidential client authenticates at the token
 * endpoint ({@code basic} or {@code post}); {@code extraParams} are authorisation request parameters the provider
 * needs to hand out a refresh token or the right audience. {@code generic} marks the OIDC / OAuth 2 entry whose
 * endpoints come from the client registration.
 */
record Provider(String id, String name, String authorizationEndpoint, String tokenEndpoint, String revocationEndpoint,
                List<String> defaultScopes, String clientAuth, Map<String, String> extraParams, boolean generic) {

    static final String TENANT = "{tenant}";

    OAuthProviderView view() {
        return new OAuthProviderView(id, name, authorizationEndpoint, tokenEndpoint, revocationEndpoint, defaultScopes,
                generic);
    }
}
