package io.octvex.edge.http;

import io.octvex.edge.handler.Handler;
import io.octvex.edge.handler.Redaction;
import io.octvex.edge.handler.StepContext;
import io.octvex.edge.handler.StepFailure;
import io.octvex.protocol.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code http} handler: one HTTP request described by the step.
 *
 * <p>Input: {@code method} (default GET), {@code url} (http or https), {@code headers} (object of text values),
 * {@code body} (text as is, any other JSON sent as JSON), {@code timeoutSeconds} (default 30, at most 300, the
 * whole exchange), {@code maxResponseBytes} (default 1 MiB, at most 10 MiB), {@code followRedirects}
 * (default true, at most 5).
 *
 * <p>Result: {@code status}, {@code headers} (a safe subset, names in lower case), {@code body} (text for
 * textual content types, else base64), {@code bodyEncoding} ({@code text} or {@code base64}), {@code bodyBytes},
 * {@code truncated} (the body was longer than {@code maxResponseBytes} and was cut there), {@code url} (the
 * final URL after redirects). Any HTTP status is a completed step: the caller decides what a 404 means.
 */
public final class HttpHandler implements Handler {
    public static final String NAME = "http";
    static final int DEFAULT_TIMEOUT_SECONDS = 30;
    static final int MAX_TIMEOUT_SECONDS = 300;
    static final int DEFAULT_MAX_RESPONSE_BYTES = 1 << 20;
    static final int MAX_RESPONSE_BYTES = 10 << 20;
    static final int MAX_REDIRECTS = 5;
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final Set<String> INPUT_FIELDS = Set.of("method", "url", "headers", "body", "timeoutSeconds",
            "maxResponseBytes", "followRedirects", "auth");
    /** Response headers returned to the run; anything else (cookies, auth challenges, internals) stays here. */
    private static final Set<String> SAFE_RESPONSE_HEADERS = Set.of("content-type", "content-length",
            "content-encoding", "content-language", "content-disposition", "cache-control", "etag", "last-modified",
            "expires", "date", "location", "retry-after", "age", "vary", "link", "x-request-id");

    private final HttpClient client;
    private final CredentialHeaders credentials;

    public HttpHandler() {
        this(CredentialHeaders.NONE);
    }

    public HttpHandler(CredentialHeaders credentials) {
        this.credentials = credentials;
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER) // followed here, so credentials stay on their origin
                .connectTimeout(Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS))
                .build();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public JsonNode run(StepContext context) throws Exception {
        Spec spec = Spec.parse(context.input());
        Map<String, String> secret = credentials.headers(context, spec.url());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(spec.timeoutSeconds());
        URI target = spec.url();
        String method = spec.method();
        HttpRequest.BodyPublisher body = spec.body();
        URI origin = origin(target);
        for (int hop = 0; ; hop++) {
            HttpRequest request = request(method, target, spec, body,
                    origin(target).equals(origin) ? secret : Map.of(), deadline);
            HttpResponse<LimitedBody.Body> response = send(request, spec, deadline, context);
            int status = response.statusCode();
            var location = response.headers().firstValue("location");
            if (spec.followRedirects() && location.isPresent() && isRedirect(status)) {
                if (hop >= MAX_REDIRECTS) {
                    throw new StepFailure("more than " + MAX_REDIRECTS + " redirects starting at " + spec.url());
                }
                target = redirect(target, location.get());
                if (status == 303 || (status == 301 || status == 302) && method.equals("POST")) {
                    method = "GET";
                    body = HttpRequest.BodyPublishers.noBody();
                }
                // the gate decided the step's own URL; every place a redirect leads is asked about first
                List<String> headerNames = new ArrayList<>(spec.headers().keySet());
                if (origin(target).equals(origin)) {
                    headerNames.addAll(secret.keySet());
                }
                context.authorize("http.request", target.toString(), method, headerNames);
                continue;
            }
            return result(response, target, new Redaction(secret.values()));
        }
    }

    private static HttpRequest request(String method, URI target, Spec spec, HttpRequest.BodyPublisher body,
                                       Map<String, String> secret, long deadline) throws StepFailure {
        Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
        HttpRequest.Builder builder = HttpRequest.newBuilder(target).timeout(left).method(method, body);
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(spec.headers());
        headers.putAll(secret);
        if (spec.jsonBody() && !headers.containsKey("content-type")) {
            headers.put("Content-Type", "application/json");
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            try {
                builder.header(header.getKey(), header.getValue());
            } catch (IllegalArgumentException e) {
                // never echo the value: it may be a credential
                throw new StepFailure("header '" + header.getKey() + "' cannot be sent (restricted or invalid)");
            }
        }
        return builder.build();
    }

    private HttpResponse<LimitedBody.Body> send(HttpRequest request, Spec spec, long deadline, StepContext context)
            throws StepFailure, InterruptedException {
        String where = request.uri().getHost() + portSuffix(request.uri());
        CompletableFuture<HttpResponse<LimitedBody.Body>> future =
                client.sendAsync(request, info -> new LimitedBody(spec.maxResponseBytes()));
        try {
            long left = deadline - System.nanoTime();
            return future.get(Math.max(1, left), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new StepFailure("request to " + where + " timed out after " + spec.timeoutSeconds() + " s");
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw failure(e.getCause(), where, spec);
        } finally {
            if (context.cancelled()) {
                future.cancel(true);
            }
        }
    }

    private static StepFailure failure(Throwable cause, String where, Spec spec) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root
                && !(root instanceof UnknownHostException) && !(root instanceof UnresolvedAddressException)) {
            if (root instanceof HttpTimeoutException || root instanceof SSLException) {
                break;
            }
            root = root.getCause();
        }
        if (cause instanceof HttpConnectTimeoutException || root instanceof HttpConnectTimeoutException) {
            return new StepFailure("could not connect to " + where + " within the timeout");
        }
        if (cause instanceof HttpTimeoutException || root instanceof HttpTimeoutException) {
            return new StepFailure("request to " + where + " timed out after " + spec.timeoutSeconds() + " s");
        }
        if (root instanceof UnknownHostException || root instanceof UnresolvedAddressException) {
            return new StepFailure("unknown host: " + where);
        }
        if (root instanceof SSLException) {
            return new StepFailure("TLS with " + where + " failed: " + root.getMessage());
        }
        if (cause instanceof ConnectException || root instanceof ConnectException) {
            return new StepFailure("connection refused by " + where);
        }
        if (cause instanceof IOException) {
            String message = cause.getMessage();
            return new StepFailure("request to " + where + " failed: "
                    + (message == null || message.isBlank() ? cause.getClass().getSimpleName() : message));
        }
        return new StepFailure("request to " + where + " failed: " + cause.getClass().getSimpleName(), cause);
    }

    private static JsonNode result(HttpResponse<LimitedBody.Body> response, URI finalUrl, Redaction redaction) {
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("status", response.statusCode());
        ObjectNode headers = out.putObject("headers");
        new TreeMap<>(response.headers().map()).forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (SAFE_RESPONSE_HEADERS.contains(lower) || lower.startsWith("ratelimit-")
                    || lower.startsWith("x-ratelimit-")) {
                headers.put(lower, redaction.apply(String.join(", ", values)));
            }
        });
        LimitedBody.Body body = response.body();
        boolean redacted = redaction.apply(body.bytes()); // the target echoed a credential: never report it
        String contentType = response.headers().firstValue("content-type").orElse("");
        Charset charset = textCharset(contentType, body.bytes());
        if (charset != null) {
            out.put("body", new String(body.bytes(), charset));
            out.put("bodyEncoding", "text");
        } else {
            out.put("body", Base64.getEncoder().encodeToString(body.bytes()));
            out.put("bodyEncoding", "base64");
        }
        out.put("bodyBytes", body.bytes().length);
        out.put("truncated", body.truncated());
        if (redacted) {
            out.put("redacted", true);
        }
        out.put("url", finalUrl.toString());
        return out;
    }

    /** The charset to decode a textual body with, or null when the body should travel as base64. */
    static Charset textCharset(String contentType, byte[] body) {
        String type = contentType.toLowerCase(Locale.ROOT);
        Charset declared = null;
        for (String param : type.split(";")) {
            String p = param.strip();
            if (p.startsWith("charset=")) {
                try {
                    declared = Charset.forName(p.substring("charset=".length()).replace("\"", "").strip());
                } catch (RuntimeException e) {
                    return null;
                }
            }
        }
        String mime = type.split(";")[0].strip();
        boolean textual = mime.startsWith("text/") || mime.equals("application/json") || mime.endsWith("+json")
                || mime.equals("application/xml") || mime.endsWith("+xml") || mime.equals("application/javascript")
                || mime.equals("application/x-www-form-urlencoded") || mime.equals("application/yaml")
                || mime.equals("application/x-ndjson") || (mime.isEmpty() && body.length == 0);
        if (!textual && !(mime.isEmpty() && declared != null)) {
            return null;
        }
        return declared != null ? declared : StandardCharsets.UTF_8;
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static URI redirect(URI from, String location) throws StepFailure {
        URI next;
        try {
            next = from.resolve(new URI(location.strip()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new StepFailure("the redirect from " + from.getHost() + " points to an invalid URL");
        }
        checkScheme(next, "redirect target");
        return next;
    }

    private static URI origin(URI uri) {
        int port = uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        return URI.create(uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost().toLowerCase(Locale.ROOT)
                + ":" + port);
    }

    private static String portSuffix(URI uri) {
        return uri.getPort() == -1 ? "" : ":" + uri.getPort();
    }

    static void checkScheme(URI uri, String what) throws StepFailure {
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new StepFailure("the " + what + " must be an http or https URL, got "
                    + (scheme == null ? "no scheme" : scheme + ":"));
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new StepFailure("the " + what + " has no host");
        }
    }

    /** The step input, checked. */
    record Spec(String method, URI url, Map<String, String> headers, HttpRequest.BodyPublisher body, boolean jsonBody,
                int timeoutSeconds, int maxResponseBytes, boolean followRedirects) {

        static Spec parse(JsonNode input) throws StepFailure {
            if (!input.isObject()) {
                throw new StepFailure("the http step's input must be an object with at least a 'url'");
            }
            for (String field : input.propertyNames()) {
                if (!INPUT_FIELDS.contains(field)) {
                    throw new StepFailure("unknown field '" + field + "' in the http step's input (known: "
                            + String.join(", ", INPUT_FIELDS.stream().sorted().toList()) + ")");
                }
            }
            String method = text(input, "method", "GET").toUpperCase(Locale.ROOT);
            if (!METHODS.contains(method)) {
                throw new StepFailure("'method' must be one of " + METHODS.stream().sorted().toList() + ", got " + method);
            }
            JsonNode urlNode = input.path("url");
            if (!urlNode.isString() || urlNode.asString().isBlank()) {
                throw new StepFailure("'url' is required: the http or https URL to call");
            }
            URI url;
            try {
                url = new URI(urlNode.asString().strip());
            } catch (URISyntaxException e) {
                throw new StepFailure("'url' is not a valid URL: " + e.getReason());
            }
            checkScheme(url, "'url'");
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            JsonNode headerNode = input.path("headers");
            if (!headerNode.isMissingNode() && !headerNode.isNull()) {
                if (!headerNode.isObject()) {
                    throw new StepFailure("'headers' must be an object of header names to text values");
                }
                for (Map.Entry<String, JsonNode> h : headerNode.properties()) {
                    JsonNode v = h.getValue();
                    if (!(v.isString() || v.isNumber() || v.isBoolean())) {
                        throw new StepFailure("header '" + h.getKey() + "' must have a text value");
                    }
                    headers.put(h.getKey(), v.asString());
                }
            }
            JsonNode bodyNode = input.path("body");
            HttpRequest.BodyPublisher body;
            boolean json = false;
            if (bodyNode.isMissingNode() || bodyNode.isNull()) {
                body = HttpRequest.BodyPublishers.noBody();
            } else if (bodyNode.isString()) {
                body = HttpRequest.BodyPublishers.ofString(bodyNode.asString());
            } else {
                body = HttpRequest.BodyPublishers.ofString(Json.write(bodyNode));
                json = true;
            }
            int timeout = bounded(input, "timeoutSeconds", DEFAULT_TIMEOUT_SECONDS, 1, MAX_TIMEOUT_SECONDS);
            int max = bounded(input, "maxResponseBytes", DEFAULT_MAX_RESPONSE_BYTES, 0, MAX_RESPONSE_BYTES);
            JsonNode follow = input.path("followRedirects");
            if (!follow.isMissingNode() && !follow.isBoolean()) {
                throw new StepFailure("'followRedirects' must be true or false");
            }
            return new Spec(method, url, headers, body, json, timeout, max, follow.isMissingNode() || follow.asBoolean());
        }

        private static String text(JsonNode input, String field, String fallback) throws StepFailure {
            JsonNode node = input.path(field);
            if (node.isMissingNode() || node.isNull()) {
                return fallback;
            }
            if (!node.isString()) {
                throw new StepFailure("'" + field + "' must be text");
            }
            return node.asString().strip();
        }

        private static int bounded(JsonNode input, String field, int fallback, int min, int max) throws StepFailure {
            JsonNode node = input.path(field);
            if (node.isMissingNode() || node.isNull()) {
                return fallback;
            }
            if (!node.canConvertToInt() || !node.isIntegralNumber()) {
                throw new StepFailure("'" + field + "' must be a whole number from " + min + " to " + max);
            }
            int value = node.asInt();
            if (value < min || value > max) {
                throw new StepFailure("'" + field + "' must be from " + min + " to " + max + ", got " + value);
            }
            return value;
        }
    }

    @Override
    public String toString() {
        return "HttpHandler";
    }

    static List<String> safeResponseHeaders() {
        return SAFE_RESPONSE_HEADERS.stream().sorted().toList();
    }
}
