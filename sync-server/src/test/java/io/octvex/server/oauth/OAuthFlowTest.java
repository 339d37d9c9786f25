package io.octvex.server.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.Json;
import io.octvex.protocol.Role;
import io.octvex.server.ServerTest;
import io.octvex.server.TestClock;
import io.octvex.server.identity.TestApi;
import io.octvex.server.vault.SecretField;
import io.octvex.server.vault.SecretMaterial;
import io.octvex.server.vault.SecretUse;
import io.octvex.server.vault.Vault;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The OAuth brokerage end to end against a real OAuth 2 / OIDC server: discovery, the authorisation-code flow
 * with PKCE through the server's unauthenticated callback, sealed storage, refresh ahead of expiry (moving the
 * clock), refresh failures, state abuse and revocation.
 */
@ServerTest
class OAuthFlowTest {
    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TestClock clock;
    @Autowired
    Vault vault;
    @Autowired
    OAuthRefresher refresher;

    TestApi api;
    UUID ws;
    String token;
    OAuthFixtures oauth;
    MockOAuth2Server idp;

    @BeforeEach
    void workspace() {
        api = TestApi.on(port);
        ws = api.newWorkspace("oauth").id();
        token = api.newUser(ws, Role.OWNER).token();
        oauth = new OAuthFixtures(port, token);
        idp = OAuthFixtures.idp();
        drain();
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void theCodeFlowWithPkceEndsInAConnectionWhoseTokensAreSealed() {
        String client = oauth.client(ws);
        String url = oauth.start(ws, client, "idp-conn");
        var query = UriComponentsBuilder.fromUriString(url).build().getQueryParams();
        assertThat(query.getFirst("code_challenge_method")).isEqualTo("S256");
        assertThat(query.getFirst("code_challenge")).isNotBlank();
        assertThat(query.getFirst("state")).hasSizeGreaterThanOrEqualTo(32);
        assertThat(java.net.URLDecoder.decode(query.getFirst("redirect_uri"), StandardCharsets.UTF_8))
                .isEqualTo("http://127.0.0.1:" + port + "/api/v1/oauth/callback");

        String callback = OAuthFixtures.authorize(url);
        HttpResponse<String> done = OAuthFixtures.browse(callback); // no Authorization header: the state is the credential
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        var connection = Json.tree(done.body());
        assertThat(connection.get("name").asString()).isEqualTo("idp-conn");
        assertThat(connection.get("status").asString()).isEqualTo("active");
        assertThat(connection.get("provider").asString()).isEqualTo("oidc");
        assertThat(connection.get("refreshable").asBoolean()).isTrue();
        assertThat(connection.path("expiresAt").isString()).isTrue();

        // the token request carried the PKCE verifier (the IdP checks it against the challenge) and the client secret
        RecordedRequest tokenRequest = take("/default/token");
        String form = tokenRequest.getBody().readString(StandardCharsets.UTF_8);
        assertThat(form).contains("grant_type=authorization_code", "code_verifier=");
        assertThat(tokenRequest.getHeader("Authorization")).startsWith("Basic ");

        // the tokens are real (a JWT from the IdP) and nowhere in the database in plain text
        String[] tokens = tokens("idp-conn");
        assertThat(tokens[0]).contains(".").hasSizeGreaterThan(100);
        assertThat(tokens[1]).isNotEmpty();
        assertThat(done.body()).doesNotContain(tokens[0], tokens[1]);
        assertThat(databaseText()).doesNotContain(tokens[0], tokens[1], OAuthFixtures.CLIENT_SECRET,
                query.getFirst("state"));

        var listed = Json.tree(api.get("/api/v1/workspaces/" + ws + "/oauth/connections", token).body());
        assertThat(listed.size()).isEqualTo(1);
        var secret = Json.tree(api.get("/api/v1/workspaces/" + ws + "/secrets/idp-conn", token).body());
        assertThat(secret.get("kind").asString()).isEqualTo("oauth");
        assertThat(events()).contains("oauth.client.registered", "oauth.authorization.started", "oauth.connected");
    }

    @Test
    void aStateIsGoodForOneCallbackBeforeItExpiresAndForgedOnesAreRefused() {
        String client = oauth.client(ws);
        String callback = OAuthFixtures.authorize(oauth.start(ws, client, "once"));
        assertThat(OAuthFixtures.browse(callback).statusCode()).isEqualTo(200);

        HttpResponse<String> replay = OAuthFixtures.browse(callback);
        assertThat(replay.statusCode()).isEqualTo(409);
        assertThat(replay.body()).contains("already completed");

        HttpResponse<String> forged = OAuthFixtures.browse(withState(callback, "forged-" + UUID.randomUUID()));
        assertThat(forged.statusCode()).isEqualTo(400);
        assertThat(forged.body()).contains("unknown state");

        HttpResponse<String> none = OAuthFixtures.browse("http://127.0.0.1:" + port + "/api/v1/oauth/callback?code=x");
        assertThat(none.statusCode()).isEqualTo(400);
        // only GET on the callback itself passes the authentication filter without a token
        assertThat(api.send("POST", "/api/v1/oauth/callback?code=x", null, null).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/oauth/callback/x?code=x", null).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/oauth/providers", null).status()).isEqualTo(401);

        String late = OAuthFixtures.authorize(oauth.start(ws, client, "late"));
        clock.advance(Duration.ofMinutes(11));
        HttpResponse<String> expired = OAuthFixtures.browse(late);
        assertThat(expired.statusCode()).isEqualTo(410);
        assertThat(expired.body()).contains("expired");
        clock.reset();
        assertThat(OAuthFixtures.browse(late).statusCode()).as("an expired state stays used").isEqualTo(409);

        String denied = OAuthFixtures.authorize(oauth.start(ws, client, "denied"));
        String state = UriComponentsBuilder.fromUriString(denied).build().getQueryParams().getFirst("state");
        HttpResponse<String> refused = OAuthFixtures.browse("http://127.0.0.1:" + port
                + "/api/v1/oauth/callback?error=access_denied&state=" + state);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("access_denied");

        assertThat(Json.tree(api.get("/api/v1/workspaces/" + ws + "/oauth/connections", token).body()).size())
                .as("only the one completed flow made a connection").isEqualTo(1);
    }

    @Test
    void theRefreshJobRefreshesAheadOfExpiry() {
        oauth.connect(ws, "fresh");
        var before = connection("fresh");
        Instant expires = Instant.parse(before.get("expiresAt").asString());
        String[] old = tokens("fresh");

        clock.advance(Duration.between(Instant.now(), expires.minus(Duration.ofMinutes(6))));
        refresher.refreshDue();
        assertThat(connection("fresh").path("refreshedAt").isString()).as("not yet due").isFalse();

        clock.advance(Duration.ofMinutes(2)); // 4 minutes before expiry: inside the 5 minute lead
        assertThat(refresher.refreshDue()).isPositive();
        var after = connection("fresh");
        assertThat(after.get("status").asString()).isEqualTo("active");
        assertThat(after.path("refreshedAt").isString()).isTrue();
        assertThat(Instant.parse(after.get("expiresAt").asString())).isAfter(expires);
        String[] renewed = tokens("fresh");
        assertThat(renewed[0]).isNotEqualTo(old[0]);
        assertThat(take("/default/token").getBody().readString(StandardCharsets.UTF_8))
                .contains("grant_type=authorization_code");
        assertThat(take("/default/token").getBody().readString(StandardCharsets.UTF_8))
                .contains("grant_type=refresh_token");
        var secret = Json.tree(api.get("/api/v1/workspaces/" + ws + "/secrets/fresh", token).body());
        assertThat(secret.get("version").asLong()).isEqualTo(2);
        assertThat(events()).contains("oauth.refreshed");
        assertThat(databaseText()).doesNotContain(renewed[0], renewed[1]);
    }

    @Test
    void competingRefreshJobsRefreshAConnectionOnce() throws Exception {
        oauth.connect(ws, "raced");
        for (int round = 0; round < 5; round++) {
            due("raced");
            long before = jdbc.sql("SELECT version FROM secrets WHERE workspace_id = ? AND name = 'raced'").param(ws)
                    .query(Long.class).single();
            var start = new java.util.concurrent.CountDownLatch(1);
            try (var replicas = java.util.concurrent.Executors.newFixedThreadPool(4)) {
                List<java.util.concurrent.Future<Integer>> runs = new java.util.ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    runs.add(replicas.submit(() -> {
                        start.await();
                        return refresher.refreshDue();
                    }));
                }
                start.countDown();
                for (var run : runs) {
                    run.get(30, TimeUnit.SECONDS);
                }
            }
            long after = jdbc.sql("SELECT version FROM secrets WHERE workspace_id = ? AND name = 'raced'").param(ws)
                    .query(Long.class).single();
            assertThat(after).as("one refresh per due connection, round " + round).isEqualTo(before + 1);
        }
        assertThat(connection("raced").get("status").asString()).isEqualTo("active");
    }

    @Test
    void aRefusedRefreshMarksTheConnectionFailedAndItStaysSoUntilReauthorised() {
        oauth.connect(ws, "doomed");
        due("doomed");
        try (var endpoint = TokenEndpointStub.answering(400, "{\"error\":\"invalid_grant\","
                + "\"error_description\":\"the grant was revoked\"}")) {
            tokenEndpoint("doomed", endpoint.url());
            refresher.refreshDue();
            assertThat(endpoint.requests()).isEqualTo(1);
        }
        tokenEndpoint("doomed", idp.tokenEndpointUrl("default").toString()); // the provider is fine again
        var failed = connection("doomed");
        assertThat(failed.get("status").asString()).isEqualTo("failed");
        assertThat(failed.get("failure").asString()).contains("invalid_grant");
        assertThat(failed.path("refreshAt").isString()).isFalse();
        assertThat(events()).contains("oauth.refresh.failed");

        clock.advance(Duration.ofDays(2));
        refresher.refreshDue();
        clock.reset(); // (the session would have expired two days on)
        assertThat(connection("doomed").get("failures").asInt()).as("no loop").isEqualTo(1);

        String client = connection("doomed").get("client").asString();
        HttpResponse<String> again = OAuthFixtures.browse(OAuthFixtures.authorize(oauth.start(ws, client, "doomed")));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(connection("doomed").get("status").asString()).isEqualTo("active");
        assertThat(connection("doomed").get("failures").asInt()).isZero();
    }

    @Test
    void anUnreachableProviderIsRetriedWithBackOffThenFails() {
        oauth.connect(ws, "flaky");
        due("flaky");
        TokenEndpointStub endpoint = TokenEndpointStub.answering(503, "down");
        tokenEndpoint("flaky", endpoint.url());
        refresher.refreshDue();
        var retrying = connection("flaky");
        assertThat(retrying.get("status").asString()).isEqualTo("active");
        assertThat(retrying.get("failures").asInt()).isEqualTo(1);
        assertThat(Instant.parse(retrying.get("refreshAt").asString()))
                .isAfter(Instant.now().plusSeconds(50)).isBefore(Instant.now().plusSeconds(70));
        assertThat(OAuthRefresher.backoff(2)).isEqualTo(Duration.ofMinutes(2));
        assertThat(OAuthRefresher.backoff(30)).isEqualTo(Duration.ofHours(1));

        jdbc.sql("UPDATE oauth_connections SET failures = 4 WHERE workspace_id = ? AND name = 'flaky'").param(ws).update();
        due("flaky");
        endpoint.close(); // nobody answers at all now
        refresher.refreshDue();
        assertThat(connection("flaky").get("status").asString()).isEqualTo("failed");
        assertThat(connection("flaky").get("failure").asString()).contains("could not be reached");
    }

    @Test
    void revokingRevokesAtTheProviderThenDeletesTheConnectionAndItsTokens() {
        oauth.connect(ws, "gone");
        String refresh = tokens("gone")[1];
        drain();
        TestApi.Response revoked = api.send("DELETE", "/api/v1/workspaces/" + ws + "/oauth/connections/gone", token, null);
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(204);
        RecordedRequest revocation = take("/default/revoke");
        assertThat(revocation.getBody().readString(StandardCharsets.UTF_8))
                .contains("token=" + java.net.URLEncoder.encode(refresh, StandardCharsets.UTF_8));
        assertThat(api.get("/api/v1/workspaces/" + ws + "/oauth/connections/gone", token).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/workspaces/" + ws + "/secrets/gone", token).status()).isEqualTo(404);
        assertThat(events()).contains("oauth.revoked");
    }

    @Test
    void theSecretsApiNeitherReplacesNorDeletesAConnectionsTokens() {
        oauth.connect(ws, "guarded");
        TestApi.Response put = api.send("PUT", "/api/v1/workspaces/" + ws + "/secrets/guarded/value", token,
                Map.of("token", "mine"));
        assertThat(put.status()).isEqualTo(400);
        TestApi.Response delete = api.send("DELETE", "/api/v1/workspaces/" + ws + "/secrets/guarded", token, null);
        assertThat(delete.status()).isEqualTo(409);
        assertThat(connection("guarded").get("status").asString()).isEqualTo("active");
    }

    @Test
    void badRegistrationsAreRefused() {
        String path = "/api/v1/workspaces/" + ws + "/oauth/clients";
        assertThat(api.send("POST", path, token, Map.of("name", "x", "provider", "myspace", "clientId", "c")).status())
                .isEqualTo(400);
        assertThat(api.send("POST", path, token, Map.of("name", "x", "provider", "github", "clientId", "c",
                "tokenEndpoint", "https://evil.example/token")).status()).isEqualTo(400);
        assertThat(api.send("POST", path, token, Map.of("name", "x", "provider", "oidc", "clientId", "c",
                "authorizationEndpoint", "ftp://a", "tokenEndpoint", "https://b/t")).status()).isEqualTo(400);
        assertThat(api.send("POST", path, token, Map.of("name", "../x", "provider", "github", "clientId", "c")).status())
                .isEqualTo(400);
        TestApi.Response entra = api.send("POST", path, token, Map.of("name", "entra", "provider", "microsoft",
                "clientId", "c", "tenant", "contoso.onmicrosoft.com"));
        assertThat(entra.status()).as(entra.body()).isEqualTo(201);
        assertThat(Json.tree(entra.body()).get("authorizationEndpoint").asString())
                .isEqualTo("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize");
        var providers = Json.tree(api.get("/api/v1/oauth/providers", token).body());
        assertThat(providers.size()).isEqualTo(12);
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private tools.jackson.databind.JsonNode connection(String name) {
        TestApi.Response answer = api.get("/api/v1/workspaces/" + ws + "/oauth/connections/" + name, token);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return Json.tree(answer.body());
    }

    /** Makes the connection due now, without moving the clock for every other test's connections. */
    private void due(String name) {
        jdbc.sql("UPDATE oauth_connections SET refresh_at = now() - interval '1 second' WHERE workspace_id = ? AND name = ?")
                .param(ws).param(name).update();
    }

    /** Points the connection's client at another token endpoint. */
    private void tokenEndpoint(String connection, String url) {
        jdbc.sql("UPDATE oauth_clients SET token_endpoint = ? WHERE id = (SELECT client FROM oauth_connections "
                + "WHERE workspace_id = ? AND name = ?)").param(url).param(ws).param(connection).update();
    }

    private String[] tokens(String name) {
        try (SecretMaterial material = vault.resolve(ws, name, new SecretUse(null, null, null, "test", Map.of()))) {
            return new String[] {new String(material.chars(SecretField.TOKEN)),
                    new String(material.chars(SecretField.REFRESH_TOKEN))};
        }
    }

    private String databaseText() {
        StringBuilder text = new StringBuilder();
        for (String table : jdbc.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                + "AND table_type = 'BASE TABLE'").query(String.class).list()) {
            text.append(jdbc.sql("SELECT coalesce(string_agg(t::text, '\n'), '') FROM \"" + table + "\" t")
                    .query(String.class).single());
        }
        return text.toString();
    }

    private List<String> events() {
        return jdbc.sql("SELECT type FROM events WHERE workspace_id = ?").param(ws).query(String.class).list();
    }

    private RecordedRequest take(String path) {
        for (int i = 0; i < 50; i++) {
            RecordedRequest request = poll(2000);
            if (request == null) {
                break;
            }
            if (path.equals(request.getPath()) || request.getPath().startsWith(path + "?")) {
                return request;
            }
        }
        throw new AssertionError("the IdP saw no request to " + path);
    }

    private void drain() {
        while (poll(10) != null) {
            // skip what earlier tests left
        }
    }

    /** The IdP's next recorded request, or null when none comes in time (the server throws then). */
    private RecordedRequest poll(long millis) {
        try {
            return idp.takeRequest(millis, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String withState(String url, String state) {
        URI uri = URI.create(url);
        return UriComponentsBuilder.fromUri(uri).replaceQueryParam("state", state).build().toUriString();
    }
}
