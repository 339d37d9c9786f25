package io.octvex.server.identity;

import io.octvex.protocol.CreatePrincipal;
import io.octvex.protocol.CreateToken;
import io.octvex.protocol.IssuedToken;
import io.octvex.protocol.Json;
import io.octvex.protocol.MemberView;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.Role;
import io.octvex.protocol.Scope;
import io.octvex.protocol.WorkspaceView;
import io.octvex.server.ServerTest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Real HTTP against the test server: the protocol client for the happy paths, raw requests for the rest. */
public final class TestApi {
    private static final Map<Integer, OctvexClient> ADMINS = new ConcurrentHashMap<>();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final int port;

    private TestApi(int port) {
        this.port = port;
    }

    public static TestApi on(int port) {
        return new TestApi(port);
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public String base() {
        return "http://127.0.0.1:" + port;
    }

    public OctvexClient anonymous() {
        return OctvexClient.connect(base());
    }

    /** The bootstrap admin, logged in once per server. */
    public OctvexClient admin() {
        return ADMINS.computeIfAbsent(port, p -> {
            var session = anonymous().login("admin", ServerTest.ADMIN_PASSWORD);
            return anonymous().withToken(session.token());
        });
    }

    public WorkspaceView newWorkspace(String prefix) {
        return admin().createWorkspace(unique(prefix));
    }

    /** A new user, member of {@code workspaceId} with {@code roles}, and a client logged in as them. */
    public User newUser(UUID workspaceId, Role... roles) {
        String name = unique("user");
        String password = "password-of-" + name;
        MemberView member = admin().createPrincipal(workspaceId,
                new CreatePrincipal(PrincipalKind.USER, name, null, password, List.of(roles)));
        String token = anonymous().login(name, password).token();
        return new User(member.principal().id(), name, password, token, anonymous().withToken(token));
    }

    public record User(UUID id, String name, String password, String token, OctvexClient client) {}

    /** An API token for the admin in {@code workspaceId} with exactly these scopes. */
    public IssuedToken adminToken(UUID workspaceId, Scope... scopes) {
        return admin().createToken(workspaceId, new CreateToken(unique("token"), List.of(scopes), null, null));
    }

    public Response send(String method, String path, String token, Object body) {
        return send(method, path, token, body, Map.of());
    }

    public Response send(String method, String path, String token, Object body, Map<String, String> headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base() + path));
        headers.forEach(builder::header);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", "application/json").method(method,
                    HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : Json.write(body)));
        }
        try {
            HttpResponse<String> response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Response get(String path, String token) {
        return send("GET", path, token, null);
    }

    public record Response(int status, String body, HttpHeaders headers) {
        public String detail() {
            return Json.tree(body).path("detail").asString();
        }
    }
}
