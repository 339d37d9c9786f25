package io.octvex.server.policy;

import io.octvex.protocol.Json;
import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.Role;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * A decision input as the audit log keeps it, and back: what a dry run replays. Header values are never part
 * of an input; query values whose names look like credentials ({@code token}, {@code key}, {@code sig}…) are
 * masked before anything is recorded, so a URL with a secret in it is never written down.
 */
final class RecordedInput {
    static final String MASK = "****";
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(token|key|secret|pass|pwd|auth|sig|session|code|credential|cookie).*");

    private RecordedInput() {}

    static Map<String, Object> of(DecisionInput in) {
        Map<String, Object> principal = new LinkedHashMap<>();
        DecisionInput.Principal p = in.principal();
        principal.put("id", p == null || p.id() == null ? null : p.id().toString());
        principal.put("name", p == null ? null : p.name());
        principal.put("kind", p == null || p.kind() == null ? null : p.kind().wire());
        principal.put("roles", p == null || p.roles() == null ? List.of() : p.roles().stream().map(Role::wire).toList());
        Map<String, Object> request = new LinkedHashMap<>();
        DecisionInput.Request r = in.request();
        request.put("method", r == null ? null : r.method());
        request.put("host", r == null ? null : r.host());
        request.put("path", r == null ? null : r.path());
        request.put("headers", r == null || r.headerNames() == null ? List.of() : r.headerNames());
        if (r != null && !r.arguments().isEmpty()) { // only tool calls have them; other digests stay as they were
            request.put("arguments", r.arguments());
        }
        Map<String, Object> run = new LinkedHashMap<>();
        DecisionInput.Run ru = in.run();
        run.put("id", ru == null || ru.id() == null ? null : ru.id().toString());
        run.put("depth", ru == null ? 0 : ru.depth());
        run.put("persona", ru == null ? null : ru.persona());
        run.put("labels", ru == null || ru.labels() == null ? Map.of() : ru.labels());
        Map<String, Object> workspace = new LinkedHashMap<>();
        workspace.put("id", in.workspace() == null || in.workspace().id() == null ? null : in.workspace().id().toString());
        workspace.put("name", in.workspace() == null ? null : in.workspace().name());
        Map<String, Object> recorded = new LinkedHashMap<>();
        recorded.put("principal", principal);
        recorded.put("action", in.action());
        recorded.put("resource", masked(in.resource()));
        recorded.put("request", request);
        recorded.put("run", run);
        recorded.put("now", in.now() == null ? null : in.now().toString());
        recorded.put("workspace", workspace);
        return recorded;
    }

    /** The input a recorded decision was made for (with masked query values, as it was recorded). */
    static DecisionInput read(JsonNode recorded) {
        JsonNode p = recorded.path("principal");
        List<Role> roles = new ArrayList<>();
        p.path("roles").forEach(n -> roles.add(Role.fromWire(n.asString())));
        JsonNode r = recorded.path("request");
        List<String> headers = new ArrayList<>();
        r.path("headers").forEach(n -> headers.add(n.asString()));
        JsonNode ru = recorded.path("run");
        Map<String, String> labels = new LinkedHashMap<>();
        ru.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
        JsonNode w = recorded.path("workspace");
        return new DecisionInput(
                new DecisionInput.Principal(uuid(p.path("id")), text(p.path("name")),
                        text(p.path("kind")) == null ? null : PrincipalKind.fromWire(text(p.path("kind"))), roles),
                text(recorded.path("action")), text(recorded.path("resource")),
                new DecisionInput.Request(text(r.path("method")), text(r.path("host")), text(r.path("path")), headers,
                        r.path("arguments").isObject() ? Json.mapper().convertValue(r.path("arguments"),
                                new tools.jackson.core.type.TypeReference<Map<String, Object>>() {}) : Map.of()),
                new DecisionInput.Run(uuid(ru.path("id")), ru.path("depth").asInt(0), text(ru.path("persona")), labels),
                text(recorded.path("now")) == null ? null : Instant.parse(text(recorded.path("now"))),
                new DecisionInput.Workspace(uuid(w.path("id")), text(w.path("name"))));
    }

    static String digest(Map<String, Object> recorded) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(Json.write(recorded).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What makes two actions "the same" for an approval: who, which action, the method and the (masked)
     * resource; not the time, not the run. SHA-256, hex.
     */
    static String actionKey(DecisionInput in) {
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("principal", in.principal() == null || in.principal().id() == null ? null : in.principal().id().toString());
        key.put("action", in.action());
        key.put("method", in.request() == null ? null : in.request().method());
        key.put("resource", masked(in.resource()));
        return digest(key);
    }

    /** The resource with the values of secret-looking query parameters replaced by {@value #MASK}. */
    static String masked(String resource) {
        if (resource == null) {
            return null;
        }
        int query = resource.indexOf('?');
        if (query < 0) {
            return resource;
        }
        int fragment = resource.indexOf('#', query);
        String params = fragment < 0 ? resource.substring(query + 1) : resource.substring(query + 1, fragment);
        StringBuilder out = new StringBuilder(resource.substring(0, query + 1));
        String[] pairs = params.split("&", -1);
        for (int i = 0; i < pairs.length; i++) {
            String pair = pairs[i];
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            out.append(i == 0 ? "" : "&").append(eq >= 0 && SECRET_NAME.matcher(decoded(name)).matches()
                    ? name + "=" + MASK : pair);
        }
        return out.toString(); // a fragment never reaches a server: it is dropped
    }

    private static String decoded(String name) {
        try {
            return URLDecoder.decode(name.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return name;
        }
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node.asString();
    }

    private static UUID uuid(JsonNode node) {
        String t = text(node);
        return t == null ? null : UUID.fromString(t);
    }
}
