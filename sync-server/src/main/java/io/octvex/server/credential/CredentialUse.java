package io.octvex.server.credential;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A vault secret a step's input names, and how it is used. An {@code http} step names one under
 * {@code auth}: {@code {"secret": "billing-api", "as": "bearer"}}, {@code "basic"}, or {@code "header"} with
 * {@code "header": "X-Api-Key"}. A {@code browser} step names one per {@code fill} that takes a secret:
 * {@code {"fill": "#password", "secret": "portal-login", "field": "password"}} (use {@code field}). An
 * {@code mcp} step names one under {@code auth} like an http step (the remote MCP server's credential).
 */
public record CredentialUse(String secret, String as, String header, String field) {
    static final Set<String> AS = Set.of("bearer", "basic", "header");
    static final Set<String> FIELDS = Set.of("value", "username", "password", "token");

    /**
     * Every secret the input names, each use once. A malformed reference is described by the exception (the
     * edge refuses such input too; nothing is leased for it).
     */
    public static List<CredentialUse> of(String handler, JsonNode input) {
        if (input == null || !input.isObject()) {
            return List.of();
        }
        return switch (handler) {
            case "http", "mcp" -> http(input.get("auth")); // an mcp step's remote server, authenticated alike
            case "browser" -> browser(input.path("actions"));
            default -> List.of();
        };
    }

    private static List<CredentialUse> http(JsonNode auth) {
        if (auth == null || auth.isNull()) {
            return List.of();
        }
        if (!auth.isObject() || !auth.path("secret").isString() || auth.path("secret").asString().isBlank()) {
            throw new IllegalArgumentException("'auth' must name a vault secret: {\"secret\": \"name\", \"as\": "
                    + "\"bearer\" | \"basic\" | \"header\"}");
        }
        String as = auth.path("as").isString() ? auth.path("as").asString().toLowerCase(Locale.ROOT) : "bearer";
        if (!AS.contains(as)) {
            throw new IllegalArgumentException("'auth.as' must be bearer, basic or header, got " + as);
        }
        String header = auth.path("header").isString() ? auth.path("header").asString().strip() : null;
        if (as.equals("header") && (header == null || !header.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}"))) {
            throw new IllegalArgumentException("'auth.header' must be the header's name (e.g. X-Api-Key) with "
                    + "\"as\": \"header\"");
        }
        return List.of(new CredentialUse(auth.path("secret").asString().strip(), as,
                as.equals("header") ? header : null, null));
    }

    private static List<CredentialUse> browser(JsonNode actions) {
        Set<CredentialUse> uses = new LinkedHashSet<>();
        for (JsonNode action : actions) {
            if (!action.has("fill") || !action.has("secret")) {
                continue;
            }
            if (!action.path("secret").isString() || action.path("secret").asString().isBlank()) {
                throw new IllegalArgumentException("a fill's 'secret' must be a vault secret's name");
            }
            String field = action.path("field").isString() ? action.path("field").asString() : "value";
            if (!FIELDS.contains(field)) {
                throw new IllegalArgumentException("a fill's 'field' must be value, username, password or token");
            }
            uses.add(new CredentialUse(action.path("secret").asString().strip(), "field", null, field));
        }
        return new ArrayList<>(uses);
    }
}
