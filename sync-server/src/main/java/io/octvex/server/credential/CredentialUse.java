package io.octvex.server.credential;

import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * What a step's input asks for under {@code auth}: a vault secret by name and how to send it —
 * {@code {"secret": "billing-api", "as": "bearer"}}, {@code "basic"}, or {@code "header"} with
 * {@code "header": "X-Api-Key"}. Null when the input names no credential.
 */
public record CredentialUse(String secret, String as, String header) {
    static final Set<String> AS = Set.of("bearer", "basic", "header");

    /** The credential an input names, or null; a malformed {@code auth} is described by the exception. */
    public static CredentialUse of(JsonNode input) {
        JsonNode auth = input == null ? null : input.get("auth");
        if (auth == null || auth.isNull() || auth.isMissingNode()) {
            return null;
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
        return new CredentialUse(auth.path("secret").asString().strip(), as, as.equals("header") ? header : null);
    }
}
