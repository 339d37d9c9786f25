package io.octvex.desk.bridge;

import io.octvex.protocol.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Relays newline-delimited JSON-RPC from stdin to a Streamable HTTP MCP endpoint and its answers back to
 * stdout. It does not interpret MCP beyond what the transport needs: the session id from the initialize
 * answer, the negotiated protocol version, and 202 (accepted, no answer) versus a JSON body or an SSE stream.
 * Requests run concurrently (a long tool call does not hold up a cancellation or a ping); initialize,
 * notifications and answers go one by one in order, as everything else needs the session and the
 * {@code initialized} notification first.
 */
final class Relay {
    private final URI endpoint;
    private final String token;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    private volatile String sessionId;
    private volatile String protocolVersion;

    Relay(String endpoint, String token, PrintStream out) {
        this.endpoint = URI.create(endpoint);
        this.token = token;
        this.out = out;
    }

    void run(BufferedReader in) throws IOException, InterruptedException {
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode message;
            try {
                message = Json.tree(line);
            } catch (RuntimeException e) {
                write(error(null, -32700, "octvex mcp-bridge: not JSON: " + e.getMessage()));
                continue;
            }
            boolean request = message.has("method") && message.has("id");
            if (request && !"initialize".equals(message.path("method").asString(""))) {
                calls.submit(() -> relay(message));
            } else {
                relay(message); // initialize, notifications and answers: quick, and in order
            }
        }
        calls.shutdown();
        calls.awaitTermination(5, TimeUnit.SECONDS);
        endSession();
    }

    private void relay(JsonNode message) {
        JsonNode id = message.has("method") ? message.get("id") : null; // only requests get an answer
        try {
            HttpRequest.Builder request = request().header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(message.toString(), StandardCharsets.UTF_8));
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() >= 400) {
                    String text = new String(body.readNBytes(4096), StandardCharsets.UTF_8);
                    String why = refusal(response.statusCode(), text);
                    System.err.println("octvex mcp-bridge: " + why);
                    if (id != null) {
                        write(error(id, -32000, why));
                    }
                    return;
                }
                if ("initialize".equals(message.path("method").asString(""))) {
                    response.headers().firstValue("Mcp-Session-Id").ifPresent(s -> sessionId = s);
                }
                String type = response.headers().firstValue("Content-Type").orElse("");
                if (type.startsWith("text/event-stream")) {
                    events(body);
                } else if (type.startsWith("application/json")) {
                    String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
                    if (!text.isBlank()) {
                        deliver(Json.tree(text));
                    }
                }
            }
        } catch (IOException e) {
            fail(id, "cannot reach Octvex at " + endpoint + " (" + describe(e) + "); is the server running?");
        } catch (RuntimeException e) {
            fail(id, "Octvex's answer at " + endpoint + " was not understood (" + describe(e) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void fail(JsonNode id, String why) {
        System.err.println("octvex mcp-bridge: " + why);
        if (id != null) {
            write(error(id, -32000, why));
        }
    }

    private static String describe(Exception e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Server-sent events: each event's data lines make one JSON-RPC message. */
    private void events(InputStream body) throws IOException {
        var reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        StringBuilder data = new StringBuilder();
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                if (!data.isEmpty()) {
                    deliver(Json.tree(data.toString()));
                    data.setLength(0);
                }
            } else if (line.startsWith("data:")) {
                data.append(data.isEmpty() ? "" : "\n").append(line.substring(line.startsWith("data: ") ? 6 : 5));
            }
        }
        if (!data.isEmpty()) {
            deliver(Json.tree(data.toString()));
        }
    }

    private void deliver(JsonNode message) {
        if (message.isArray()) {
            message.forEach(this::deliver);
            return;
        }
        String version = message.path("result").path("protocolVersion").asString("");
        if (!version.isEmpty() && message.path("result").has("serverInfo")) {
            protocolVersion = version;
        }
        write(message);
    }

    private HttpRequest.Builder request() {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).header("Authorization", "Bearer " + token);
        if (sessionId != null) {
            b.header("Mcp-Session-Id", sessionId);
        }
        if (protocolVersion != null) {
            b.header("MCP-Protocol-Version", protocolVersion);
        }
        return b;
    }

    private void endSession() {
        if (sessionId == null) {
            return;
        }
        try {
            http.send(request().timeout(Duration.ofSeconds(5)).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            // the server forgets the session by itself
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void write(JsonNode message) {
        out.print(message.toString());
        out.print('\n');
        out.flush();
    }

    private static String refusal(int status, String body) {
        String detail = "";
        try {
            detail = Json.tree(body).path("detail").asString("");
        } catch (RuntimeException e) {
            // not a problem document
        }
        String what = switch (status) {
            case 401 -> "Octvex refused the token (401): it is unknown, expired or revoked. Configure the client "
                    + "again from the Desk, or set a valid OCTVEX_TOKEN";
            case 403 -> "Octvex refused the request (403)";
            case 404 -> "the MCP session is gone (404; the server restarted?): reconnect the client";
            default -> "Octvex answered " + status;
        };
        return detail.isBlank() ? what : what + ": " + detail;
    }

    private static ObjectNode error(JsonNode id, int code, String message) {
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.put("jsonrpc", "2.0");
        if (id == null) {
            e.putNull("id");
        } else {
            e.set("id", id);
        }
        ObjectNode err = e.putObject("error");
        err.put("code", code);
        err.put("message", message);
        return e;
    }
}
