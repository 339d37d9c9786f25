package io.octvex.server.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.Json;
import io.octvex.server.identity.TestApi;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import no.nav.security.mock.oauth2.MockOAuth2Server;

/**
 * A real OAuth 2 / OIDC server (NAV's mock-oauth2-server, in process on a random port, shared by all tests) and
 * the steps a person's browser takes through the authorisation-code flow against it.
 */
public final class OAuthFixtures {
    static final String CLIENT_SECRET = "client-secret-of-the-test-idp";
    private static final HttpClient BROWSER = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static MockOAuth2Server idp;

    private final TestApi api;
    private final String token;

    public OAuthFixtures(int port, String token) {
        this.api = TestApi.on(port);
        this.token = token;
    }

    static synchronized MockOAuth2Server idp() {
        if (idp == null) {
            idp = new MockOAuth2Server();
            idp.start();
        }
        return idp;
    }

    static String issuer() {
        return idp().issuerUrl("default").toString();
    }

    /** Registers a confidential client for the test server (discovered by issuer); answers its name. */
    String client(UUID workspaceId) {
        String name = TestApi.unique("idp");
        TestApi.Response answer = api.send("POST", "/api/v1/workspaces/" + workspaceId + "/oauth/clients", token,
                Map.of("name", name, "provider", "oidc", "clientId", "octvex-test", "clientSecret", CLIENT_SECRET,
                        "issuer", issuer(), "scopes", List.of("openid", "offline_access", "profile")));
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return name;
    }

    /** Starts the flow; answers the authorisation URL. */
    String start(UUID workspaceId, String client, String connection) {
        TestApi.Response answer = api.send("POST", "/api/v1/workspaces/" + workspaceId + "/oauth/connections", token,
                Map.of("client", client, "name", connection));
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return Json.tree(answer.body()).get("authorizationUrl").asString();
    }

    /** The browser at the provider: it authorises (no login page) and redirects to our callback; answers that URL. */
    static String authorize(String authorizationUrl) {
        HttpResponse<String> response = browse(authorizationUrl);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
        return response.headers().firstValue("Location").orElseThrow();
    }

    /** The browser back at the server's callback, without any Octvex credential. */
    static HttpResponse<String> browse(String url) {
        try {
            return BROWSER.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A whole flow: client, start, authorise, callback; answers the connection's name. */
    public String connect(UUID workspaceId, String connection) {
        String callback = authorize(start(workspaceId, client(workspaceId), connection));
        HttpResponse<String> done = browse(callback);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        return connection;
    }
}
