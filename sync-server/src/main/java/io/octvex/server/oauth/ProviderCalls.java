package io.octvex.server.oauth;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Token;
import com.nimbusds.oauth2.sdk.token.Tokens;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Everything said to a provider, through the Nimbus OAuth 2.0 / OIDC SDK: the authorisation URL (code flow with
 * PKCE S256 and state), the code exchange, refresh, RFC 7009 revocation and OIDC discovery. No protocol is written
 * by hand here. A provider's refusal is a {@link Refused}; no answer (or a 5xx) is an {@link Unreachable}.
 */
@Component
class ProviderCalls {
    private final int timeoutMillis;

    ProviderCalls(OAuthProperties settings) {
        this.timeoutMillis = (int) settings.httpTimeout().toMillis();
    }

    /** What a token endpoint answered; {@code lifetime} is 0 when the provider gave none. */
    record Issued(String accessToken, String refreshToken, long lifetime, List<String> scopes) {}

    record Discovered(String authorizationEndpoint, String tokenEndpoint, String revocationEndpoint, String clientAuth) {}

    /** The provider answered with an OAuth error (or something that is not a token response). */
    static final class Refused extends RuntimeException {
        final String error;

        Refused(String error, String description) {
            super(description == null || description.isBlank() ? error : error + ": " + description);
            this.error = error;
        }
    }

    /** The provider did not answer, or answered 5xx: worth retrying later. */
    static final class Unreachable extends RuntimeException {
        Unreachable(String message) {
            super(message);
        }
    }

    URI authorizationUrl(OAuthStore.Client client, State state, CodeVerifier verifier, URI redirectUri,
                         List<String> scopes) {
        AuthorizationRequest.Builder request = new AuthorizationRequest.Builder(ResponseType.CODE,
                new ClientID(client.clientId()))
                .endpointURI(URI.create(client.authorizationEndpoint()))
                .redirectionURI(redirectUri)
                .state(state)
                .codeChallenge(verifier, CodeChallengeMethod.S256);
        if (!scopes.isEmpty()) {
            request.scope(new Scope(scopes.toArray(String[]::new)));
        }
        client.extraParams().forEach(request::customParameter);
        return request.build().toURI();
    }

    Issued exchange(OAuthStore.Client client, Secret secret, String code, URI redirectUri, CodeVerifier verifier) {
        return token(client, secret, new AuthorizationCodeGrant(new AuthorizationCode(code), redirectUri, verifier));
    }

    Issued refresh(OAuthStore.Client client, Secret secret, String refreshToken) {
        return token(client, secret, new RefreshTokenGrant(new RefreshToken(refreshToken)));
    }

    /** Revokes {@code token} (RFC 7009); the provider answers 200 also for a token it no longer knows. */
    void revoke(OAuthStore.Client client, Secret secret, Token token) {
        URI endpoint = URI.create(client.revocationEndpoint());
        ClientAuthentication auth = authentication(client, secret);
        TokenRevocationRequest request = auth == null
                ? new TokenRevocationRequest(endpoint, new ClientID(client.clientId()), token)
                : new TokenRevocationRequest(endpoint, auth, token);
        HTTPResponse response = send(request.toHTTPRequest());
        if (!response.indicatesSuccess()) {
            try {
                ErrorObject error = ErrorObject.parse(response);
                throw new Refused(error.getCode() == null ? "http " + response.getStatusCode() : error.getCode(),
                        error.getDescription());
            } catch (RuntimeException e) {
                if (e instanceof Refused) {
                    throw e;
                }
                throw new Refused("http " + response.getStatusCode(), "the revocation endpoint refused");
            }
        }
    }

    /** The endpoints an OpenID Connect issuer publishes at {@code /.well-known/openid-configuration}. */
    Discovered discover(String issuer) {
        OIDCProviderMetadata metadata;
        try {
            metadata = OIDCProviderMetadata.resolve(new Issuer(issuer), timeoutMillis, timeoutMillis);
        } catch (IOException e) {
            throw new Unreachable("the issuer's discovery document could not be fetched: " + e.getMessage());
        } catch (GeneralException e) {
            throw new Refused("invalid_issuer", "the issuer's discovery document is not usable: " + e.getMessage());
        }
        if (metadata.getAuthorizationEndpointURI() == null || metadata.getTokenEndpointURI() == null) {
            throw new Refused("invalid_issuer", "the issuer publishes no authorization or token endpoint");
        }
        var methods = metadata.getTokenEndpointAuthMethods();
        String auth = methods == null || methods.isEmpty() || methods.contains(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                ? "basic" : "post";
        return new Discovered(metadata.getAuthorizationEndpointURI().toString(), metadata.getTokenEndpointURI().toString(),
                metadata.getRevocationEndpointURI() == null ? null : metadata.getRevocationEndpointURI().toString(), auth);
    }

    private Issued token(OAuthStore.Client client, Secret secret, AuthorizationGrant grant) {
        URI endpoint = URI.create(client.tokenEndpoint());
        ClientAuthentication auth = authentication(client, secret);
        TokenRequest request = auth == null
                ? new TokenRequest(endpoint, new ClientID(client.clientId()), grant, null)
                : new TokenRequest(endpoint, auth, grant, null);
        HTTPResponse response = send(request.toHTTPRequest());
        if (response.getStatusCode() >= 500) {
            throw new Unreachable("the token endpoint answered HTTP " + response.getStatusCode());
        }
        TokenResponse parsed;
        try {
            parsed = TokenResponse.parse(response);
        } catch (ParseException e) {
            throw new Refused("invalid_response", "the token endpoint's answer (HTTP " + response.getStatusCode()
                    + ") is not an OAuth token response");
        }
        if (!parsed.indicatesSuccess()) {
            ErrorObject error = parsed.toErrorResponse().getErrorObject();
            throw new Refused(error.getCode() == null ? "http " + response.getStatusCode() : error.getCode(),
                    error.getDescription());
        }
        AccessTokenResponse success = parsed.toSuccessResponse();
        Tokens tokens = success.getTokens();
        AccessToken access = tokens.getAccessToken();
        RefreshToken refresh = tokens.getRefreshToken();
        List<String> scopes = access.getScope() == null ? null : access.getScope().toStringList();
        return new Issued(access.getValue(), refresh == null ? null : refresh.getValue(), access.getLifetime(), scopes);
    }

    private HTTPResponse send(HTTPRequest request) {
        request.setAccept("application/json"); // GitHub answers form-encoded without it
        request.setConnectTimeout(timeoutMillis);
        request.setReadTimeout(timeoutMillis);
        request.setFollowRedirects(false);
        try {
            return request.send();
        } catch (IOException e) {
            throw new Unreachable("the provider could not be reached: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }

    private static ClientAuthentication authentication(OAuthStore.Client client, Secret secret) {
        if (secret == null || "none".equals(client.clientAuth())) {
            return null;
        }
        ClientID id = new ClientID(client.clientId());
        return "post".equals(client.clientAuth()) ? new ClientSecretPost(id, secret) : new ClientSecretBasic(id, secret);
    }
}
