package io.octvex.server.oauth;

import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import io.octvex.protocol.CreateSecret;
import io.octvex.protocol.OAuthAuthorization;
import io.octvex.protocol.OAuthClientView;
import io.octvex.protocol.OAuthConnectionView;
import io.octvex.protocol.OAuthProviderView;
import io.octvex.protocol.RegisterOAuthClient;
import io.octvex.protocol.SecretKind;
import io.octvex.protocol.StartOAuthConnection;
import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.vault.SecretField;
import io.octvex.server.vault.SecretMaterial;
import io.octvex.server.vault.SecretUse;
import io.octvex.server.vault.Vault;
import io.octvex.server.web.ApiException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * OAuth brokerage: a workspace registers OAuth clients with providers, starts the authorisation-code flow with
 * PKCE for a named connection, and the server's callback exchanges the code and seals the tokens in the vault as
 * the {@code oauth} secret of the same name. {@link OAuthRefresher} keeps them fresh. Callers check the caller's
 * rights (except for {@link #complete}, whose credential is the state); these methods trust the workspace id.
 */
@Service
public class OAuth {
    static final String CLIENT_REGISTERED = "oauth.client.registered";
    static final String STARTED = "oauth.authorization.started";
    static final String CONNECTED = "oauth.connected";
    static final String REFRESHED = "oauth.refreshed";
    static final String REFRESH_FAILED = "oauth.refresh.failed";
    static final String REVOKED = "oauth.revoked";
    static final String CALLBACK_PATH = "/api/v1/oauth/callback";
    private static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,47}$");
    private static final Pattern TENANT = Pattern.compile("^[A-Za-z0-9.-]{1,100}$");
    private static final Pattern SCOPE = Pattern.compile("^[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,200}$"); // RFC 6749 scope-token
    private static final int MAX_SCOPES = 50;

    private final OAuthStore store;
    private final ProviderCalls provider;
    private final Vault vault;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final OAuthProperties settings;

    OAuth(OAuthStore store, ProviderCalls provider, Vault vault, AuditLog audit, TransactionTemplate tx, Clock clock,
          OAuthProperties settings) {
        this.store = store;
        this.provider = provider;
        this.vault = vault;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
        this.settings = settings;
    }

    public List<OAuthProviderView> providers() {
        return Providers.ALL.values().stream().map(Provider::view).toList();
    }

    // --- clients -------------------------------------------------------------------------------------------------

    /**
     * Registers a client; its secret becomes the vault secret {@code oauth-client-<name>}. For the generic
     * provider with an issuer, discovery happens here, before anything is written. Wipes the request's secret.
     */
    public OAuthClientView registerClient(UUID workspaceId, UUID actor, RegisterOAuthClient request) {
        char[] clientSecret = request.clientSecret();
        try {
            String name = name(request.name(), "'name'");
            Provider known = request.provider() == null ? null : Providers.ALL.get(request.provider().strip()
                    .toLowerCase(Locale.ROOT));
            if (known == null) {
                throw ApiException.badRequest("'provider' must be one of " + Providers.ALL.keySet());
            }
            String clientId = request.clientId();
            if (clientId == null || clientId.isBlank() || clientId.length() > 512 || clientId.chars().anyMatch(c -> c < 0x20)) {
                throw ApiException.badRequest("'clientId' is required: the client id the provider issued (up to 512 "
                        + "printable characters)");
            }
            String authz;
            String token;
            String revocation;
            String auth;
            if (known.generic()) {
                if (request.tenant() != null) {
                    throw ApiException.badRequest("'tenant' is for the microsoft provider only");
                }
                if (request.issuer() != null) {
                    if (request.authorizationEndpoint() != null || request.tokenEndpoint() != null) {
                        throw ApiException.badRequest("give either 'issuer' (discovery) or the endpoints, not both");
                    }
                    ProviderCalls.Discovered found;
                    try {
                        found = provider.discover(url(request.issuer(), "'issuer'"));
                    } catch (ProviderCalls.Refused | ProviderCalls.Unreachable e) {
                        throw ApiException.badRequest("OpenID Connect discovery at the issuer failed: " + e.getMessage());
                    }
                    authz = url(found.authorizationEndpoint(), "the discovered authorization endpoint");
                    token = url(found.tokenEndpoint(), "the discovered token endpoint");
                    revocation = found.revocationEndpoint() == null ? null
                            : url(found.revocationEndpoint(), "the discovered revocation endpoint");
                    auth = found.clientAuth();
                } else {
                    if (request.authorizationEndpoint() == null || request.tokenEndpoint() == null) {
                        throw ApiException.badRequest("the oidc provider needs 'issuer' (OpenID Connect discovery) or "
                                + "'authorizationEndpoint' and 'tokenEndpoint'");
                    }
                    authz = url(request.authorizationEndpoint(), "'authorizationEndpoint'");
                    token = url(request.tokenEndpoint(), "'tokenEndpoint'");
                    revocation = request.revocationEndpoint() == null ? null
                            : url(request.revocationEndpoint(), "'revocationEndpoint'");
                    auth = "basic";
                }
            } else {
                if (request.issuer() != null || request.authorizationEndpoint() != null || request.tokenEndpoint() != null
                        || request.revocationEndpoint() != null) {
                    throw ApiException.badRequest("the " + known.id() + " provider has well-known endpoints; 'issuer' "
                            + "and endpoints are for the oidc provider");
                }
                String tenant = "common";
                if (request.tenant() != null) {
                    if (!known.authorizationEndpoint().contains(Provider.TENANT)) {
                        throw ApiException.badRequest("'tenant' is for the microsoft provider only");
                    }
                    if (!TENANT.matcher(request.tenant()).matches()) {
                        throw ApiException.badRequest("'tenant' must be a tenant id or domain (letters, digits, '.' "
                                + "and '-'), or common, organizations or consumers");
                    }
                    tenant = request.tenant();
                }
                authz = known.authorizationEndpoint().replace(Provider.TENANT, tenant);
                token = known.tokenEndpoint().replace(Provider.TENANT, tenant);
                revocation = known.revocationEndpoint();
                auth = known.clientAuth();
            }
            List<String> scopes = request.scopes() == null ? known.defaultScopes() : scopes(request.scopes());
            boolean confidential = clientSecret != null && clientSecret.length > 0;
            return tx.execute(s -> {
                if (store.clientExists(workspaceId, name)) {
                    throw ApiException.conflict("an OAuth client with this name already exists");
                }
                String secretName = null;
                if (confidential) {
                    secretName = "oauth-client-" + name;
                    vault.create(workspaceId, actor, new CreateSecret(secretName, SecretKind.OPAQUE, clientSecret,
                            null, null, null, null));
                }
                OAuthStore.Client client = new OAuthStore.Client(UUID.randomUUID(), workspaceId, name, known.id(),
                        clientId, secretName, authz, token, revocation, confidential ? auth : "none", scopes,
                        known.extraParams(), now(), actor);
                store.insertClient(client);
                audit.append(workspaceId, AuditEntry.of(CLIENT_REGISTERED, actor, Map.of("client", name,
                        "provider", known.id(), "clientId", clientId, "confidential", confidential)));
                return view(client);
            });
        } finally {
            if (clientSecret != null) {
                Arrays.fill(clientSecret, '\0');
            }
        }
    }

    public List<OAuthClientView> clients(UUID workspaceId) {
        return store.clients(workspaceId).stream().map(OAuth::view).toList();
    }

    // --- the flow ------------------------------------------------------------------------------------------------

    /**
     * Starts the authorisation of connection {@code request.name()}: a fresh state (stored as its SHA-256 only)
     * and PKCE verifier, bound to the workspace, the principal and the client, valid for
     * {@code octvex.oauth.authorization-ttl}. {@code callbackUrl} is the server's callback as the caller reached it,
     * used unless {@code octvex.oauth.redirect-uri} is set.
     */
    public OAuthAuthorization start(UUID workspaceId, UUID principalId, StartOAuthConnection request, String callbackUrl) {
        if (request.client() == null) {
            throw ApiException.badRequest("'client' is required: the name of a registered OAuth client");
        }
        String connection = name(request.name(), "'name'");
        OAuthStore.Client client = store.client(workspaceId, request.client())
                .orElseThrow(() -> ApiException.notFound("OAuth client"));
        List<String> scopes = request.scopes() == null ? client.scopes() : scopes(request.scopes());
        if (vault.list(workspaceId).stream().anyMatch(s -> s.name().equals(connection) && s.kind() != SecretKind.OAUTH)) {
            throw ApiException.conflict("a secret named '" + connection + "' exists; an OAuth connection's tokens are "
                    + "stored as a secret of the connection's name, so pick another name");
        }
        URI redirect = URI.create(settings.redirectUri() != null ? settings.redirectUri() : callbackUrl);
        State state = new State();
        CodeVerifier verifier = new CodeVerifier();
        Instant now = now();
        Instant expires = now.plus(settings.authorizationTtl());
        URI url = provider.authorizationUrl(client, state, verifier, redirect, scopes);
        tx.executeWithoutResult(s -> {
            store.insertAuthorization(hash(state.getValue()), new OAuthStore.Authorization(workspaceId, client.id(),
                    principalId, connection, verifier.getValue(), redirect.toString(), scopes, expires), now);
            audit.append(workspaceId, AuditEntry.of(STARTED, principalId, Map.of("connection", connection,
                    "client", client.name(), "provider", client.provider(), "scopes", scopes)));
        });
        return new OAuthAuthorization(connection, url.toString(), redirect.toString(), expires);
    }

    /**
     * The callback: consumes the state (once, whatever happens next), exchanges the code with the PKCE verifier,
     * and seals the tokens in the vault. Unknown or forged state, a used one, an expired one, and a provider's
     * error are each a 4xx that says which.
     */
    public OAuthConnectionView complete(String code, String state, String error, String errorDescription) {
        if (state == null || state.isBlank() || state.length() > 512) {
            throw ApiException.badRequest("the callback needs the 'state' the authorisation was started with");
        }
        byte[] hash = hash(state);
        Instant now = now();
        record Consumed(OAuthStore.Authorization authorization, String verifier) {}
        Consumed consumed = tx.execute(s -> {
            String verifier = store.verifier(hash).orElse(null);
            OAuthStore.Authorization a = store.consume(hash, now).orElse(null);
            return a == null ? null : new Consumed(a, verifier);
        });
        if (consumed == null) {
            if (store.authorizationExists(hash)) {
                throw ApiException.conflict("this authorisation was already completed (a state is good for one "
                        + "callback); start a new one with POST …/oauth/connections");
            }
            throw ApiException.badRequest("unknown state: this callback does not belong to an authorisation started "
                    + "here (or it expired long ago); start a new one with POST …/oauth/connections");
        }
        OAuthStore.Authorization authorization = consumed.authorization();
        if (!now.isBefore(authorization.expiresAt())) {
            throw new ApiException(HttpStatus.GONE, "Authorization expired", "this authorisation expired at "
                    + authorization.expiresAt() + "; start a new one with POST …/oauth/connections");
        }
        if (error != null) {
            throw ApiException.badRequest("the provider did not authorise the connection: " + printable(error)
                    + (errorDescription == null ? "" : " (" + printable(errorDescription) + ")"));
        }
        if (code == null || code.isBlank()) {
            throw ApiException.badRequest("the callback has no 'code'");
        }
        UUID workspaceId = authorization.workspaceId();
        OAuthStore.Client client = store.client(workspaceId, authorization.client())
                .orElseThrow(() -> ApiException.notFound("OAuth client"));
        ProviderCalls.Issued issued;
        try {
            issued = provider.exchange(client, clientSecret(client, authorization.principalId(), "oauth.exchange"), code,
                    URI.create(authorization.redirectUri()), new CodeVerifier(consumed.verifier()));
        } catch (ProviderCalls.Refused e) {
            throw ApiException.badRequest("the provider refused the authorisation code: " + printable(e.getMessage()));
        } catch (ProviderCalls.Unreachable e) {
            throw new ApiException(HttpStatus.BAD_GATEWAY, "Provider unreachable", e.getMessage());
        }
        String connection = authorization.connectionName();
        return tx.execute(s -> {
            // the connection row first, then the vault: the order the refresh job takes them in (no deadlock)
            store.lockConnection(workspaceId, connection);
            var secret = seal(workspaceId, connection, authorization.principalId(), issued);
            Instant expires = issued.lifetime() > 0 ? now.plusSeconds(issued.lifetime()) : null;
            List<String> scopes = issued.scopes() != null ? issued.scopes() : authorization.scopes();
            boolean refreshable = issued.refreshToken() != null;
            store.upsertConnection(new OAuthStore.Connection(UUID.randomUUID(), workspaceId, connection, client.id(),
                    client.name(), client.provider(), secret.id(), "active", scopes, refreshable, expires,
                    refreshAt(refreshable, expires, now), 0, null, authorization.principalId(), now, null));
            audit.append(workspaceId, AuditEntry.of(CONNECTED, authorization.principalId(), Map.of(
                    "connection", connection, "client", client.name(), "provider", client.provider(),
                    "scopes", scopes, "refreshable", refreshable, "secretVersion", secret.version())));
            return view(store.connection(workspaceId, connection).orElseThrow());
        });
    }

    // --- connections ---------------------------------------------------------------------------------------------

    public List<OAuthConnectionView> connections(UUID workspaceId) {
        return store.connections(workspaceId).stream().map(OAuth::view).toList();
    }

    public OAuthConnectionView connection(UUID workspaceId, String name) {
        return view(store.connection(workspaceId, name(name, "the connection name"))
                .orElseThrow(() -> ApiException.notFound("OAuth connection")));
    }

    /**
     * Revokes the connection at the provider (its refresh token, else its access token) when the provider has a
     * revocation endpoint, then deletes it and its sealed tokens. When the provider does not confirm, nothing is
     * deleted (502) so the caller can retry.
     */
    public void revoke(UUID workspaceId, String name, UUID actor) {
        String connectionName = name(name, "the connection name");
        tx.executeWithoutResult(s -> {
            OAuthStore.Connection connection = store.lockConnection(workspaceId, connectionName)
                    .orElseThrow(() -> ApiException.notFound("OAuth connection"));
            OAuthStore.Client client = store.client(workspaceId, connection.client()).orElseThrow();
            boolean atProvider = client.revocationEndpoint() != null;
            if (atProvider) {
                try (SecretMaterial tokens = vault.resolve(workspaceId, connectionName,
                        new SecretUse(null, null, actor, "oauth.revoke", Map.of("connection", connectionName)))) {
                    String refresh = text(tokens, SecretField.REFRESH_TOKEN);
                    var token = refresh.isEmpty() ? new BearerAccessToken(text(tokens, SecretField.TOKEN))
                            : new RefreshToken(refresh);
                    provider.revoke(client, clientSecret(client, actor, "oauth.revoke"), token);
                } catch (ProviderCalls.Refused | ProviderCalls.Unreachable e) {
                    throw new ApiException(HttpStatus.BAD_GATEWAY, "Revocation not confirmed", "the provider did not "
                            + "confirm the revocation (" + printable(e.getMessage()) + "); nothing was deleted, try again");
                }
            }
            store.deleteConnection(connection.id());
            vault.deleteOAuthTokens(workspaceId, connectionName, actor);
            audit.append(workspaceId, AuditEntry.of(REVOKED, actor, Map.of("connection", connectionName,
                    "client", client.name(), "provider", client.provider(), "revokedAtProvider", atProvider)));
        });
    }

    // --- shared with the refresh job -----------------------------------------------------------------------------

    /** Seals the tokens as the next version of the connection's secret; keeps the old refresh token if none came. */
    io.octvex.protocol.SecretView seal(UUID workspaceId, String connection, UUID actor, ProviderCalls.Issued issued,
                                       char[] previousRefresh) {
        char[] access = issued.accessToken().toCharArray();
        char[] refresh = issued.refreshToken() != null ? issued.refreshToken().toCharArray()
                : previousRefresh != null ? previousRefresh.clone() : new char[0];
        try {
            return vault.putOAuthTokens(workspaceId, connection, actor, access, refresh);
        } finally {
            Arrays.fill(access, '\0');
            Arrays.fill(refresh, '\0');
        }
    }

    private io.octvex.protocol.SecretView seal(UUID workspaceId, String connection, UUID actor,
                                              ProviderCalls.Issued issued) {
        return seal(workspaceId, connection, actor, issued, null);
    }

    /** The client's secret from the vault (audited as an access), or null for a public client. */
    Secret clientSecret(OAuthStore.Client client, UUID principalId, String action) {
        if (client.clientSecretName() == null) {
            return null;
        }
        try (SecretMaterial material = vault.resolve(client.workspaceId(), client.clientSecretName(),
                new SecretUse(null, null, principalId, action, Map.of("client", client.name())))) {
            return new Secret(text(material, SecretField.VALUE));
        } catch (ApiException e) {
            if (e.status() == HttpStatus.NOT_FOUND) {
                throw ApiException.conflict("the client secret of OAuth client '" + client.name() + "' (vault secret '"
                        + client.clientSecretName() + "') was deleted; register the client again");
            }
            throw e;
        }
    }

    Instant refreshAt(boolean refreshable, Instant expires, Instant now) {
        if (!refreshable || expires == null) {
            return null;
        }
        Instant ahead = expires.minus(settings.refreshAhead());
        return ahead.isBefore(now) ? now : ahead;
    }

    static String text(SecretMaterial material, SecretField field) {
        char[] chars = material.chars(field);
        try {
            return new String(chars);
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    static OAuthConnectionView view(OAuthStore.Connection c) {
        return new OAuthConnectionView(c.id(), c.workspaceId(), c.name(), c.clientName(), c.provider(), c.status(),
                c.scopes(), c.hasRefresh(), c.expiresAt(), c.refreshAt(), c.refreshedAt(), c.failures(), c.failure(),
                c.authorizedBy(), c.createdAt());
    }

    static Map<String, Object> describe(OAuthStore.Connection c) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("connection", c.name());
        data.put("client", c.clientName());
        data.put("provider", c.provider());
        return data;
    }

    static String printable(String text) {
        String clean = text.replaceAll("[^\\x20-\\x7E]", "?");
        return clean.length() > 300 ? clean.substring(0, 300) + "…" : clean;
    }

    private static OAuthClientView view(OAuthStore.Client c) {
        return new OAuthClientView(c.id(), c.workspaceId(), c.name(), c.provider(), c.clientId(), c.clientSecretName(),
                c.authorizationEndpoint(), c.tokenEndpoint(), c.revocationEndpoint(), c.scopes(), c.createdAt(),
                c.createdBy());
    }

    private String url(String value, String what) {
        URI uri;
        try {
            uri = new URI(value.strip());
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw ApiException.badRequest(what + " must be an absolute https URL");
        }
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        boolean http = "http".equalsIgnoreCase(uri.getScheme()) && settings.allowHttp();
        if (!(https || http) || uri.getHost() == null || uri.getUserInfo() != null || uri.getFragment() != null
                || value.length() > 2000) {
            throw ApiException.badRequest(what + " must be an absolute https URL without user info or fragment"
                    + (settings.allowHttp() ? " (http is allowed too)" : " (http only with octvex.oauth.allow-http)"));
        }
        return uri.toString();
    }

    private static String name(String value, String what) {
        if (value == null || !NAME.matcher(value).matches() || value.contains("..")) {
            throw ApiException.badRequest(what + " must be 1 to 48 of a-z, 0-9, '.', '_', '-' (starting with a letter "
                    + "or digit, no '..')");
        }
        return value;
    }

    private static List<String> scopes(List<String> scopes) {
        if (scopes.size() > MAX_SCOPES || scopes.stream().anyMatch(s -> s == null || !SCOPE.matcher(s).matches())) {
            throw ApiException.badRequest("'scopes' must be up to " + MAX_SCOPES + " OAuth scope tokens (printable "
                    + "ASCII without spaces, quotes or backslashes)");
        }
        return List.copyOf(scopes);
    }

    private static byte[] hash(String state) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(state.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
