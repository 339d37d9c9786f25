package io.octvex.edge.e2e;

import io.octvex.protocol.CreateEnrollment;
import io.octvex.protocol.EdgeView;
import io.octvex.protocol.IssuedEnrollment;
import io.octvex.protocol.Json;
import io.octvex.protocol.ProtocolVersion;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import tools.jackson.core.type.TypeReference;

/** The fleet calls {@code OctvexClient} does not offer (yet), made as an administrator. */
record AdminHttp(String url, String token) {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    String enrolmentToken(UUID workspace, String name, int uses) throws Exception {
        return Json.mapper().readValue(send(request("/api/v1/workspaces/" + workspace + "/edges/enrollments")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(new CreateEnrollment(name, null, uses, null))))),
                IssuedEnrollment.class).token();
    }

    List<EdgeView> edges(UUID workspace) throws Exception {
        return Json.mapper().readValue(send(request("/api/v1/workspaces/" + workspace + "/edges").GET()),
                new TypeReference<List<EdgeView>>() { });
    }

    private String send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new AssertionError(response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + token)
                .header(ProtocolVersion.HEADER, Integer.toString(ProtocolVersion.CURRENT));
    }
}
