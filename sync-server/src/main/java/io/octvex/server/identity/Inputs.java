package io.octvex.server.identity;

import io.octvex.protocol.Role;
import io.octvex.protocol.Scope;
import io.octvex.server.web.ApiException;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Checks on request fields, each refusing with a 400 that names the field and the rule. */
final class Inputs {
    private Inputs() {}

    /** Trimmed, 1 to {@code max} characters, no control characters. */
    static String name(String field, String value, int max) {
        if (value == null) {
            throw ApiException.badRequest("'" + field + "' is required");
        }
        String trimmed = value.strip();
        int length = trimmed.codePointCount(0, trimmed.length());
        if (length < 1 || length > max) {
            throw ApiException.badRequest("'" + field + "' must be 1 to " + max + " characters");
        }
        if (trimmed.codePoints().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest("'" + field + "' must not contain control characters (such as line breaks or tabs)");
        }
        return trimmed;
    }

    static String optionalName(String field, String value, int max) {
        return value == null || value.isBlank() ? null : name(field, value, max);
    }

    static EnumSet<Role> roles(List<Role> roles) {
        if (roles == null || roles.isEmpty()) {
            throw ApiException.badRequest("'roles' must name at least one role, e.g. [\"viewer\"]");
        }
        if (roles.stream().anyMatch(Objects::isNull)) {
            throw ApiException.badRequest("'roles' must not contain null");
        }
        return EnumSet.copyOf(roles);
    }

    static Set<Scope> scopes(List<Scope> scopes) {
        if (scopes == null || scopes.isEmpty()) {
            throw ApiException.badRequest("'scopes' must name at least one scope, e.g. [\"runs:read\"]");
        }
        if (scopes.stream().anyMatch(Objects::isNull)) {
            throw ApiException.badRequest("'scopes' must not contain null");
        }
        return EnumSet.copyOf(scopes);
    }

    static String[] wire(Set<? extends Enum<?>> values) {
        return values.stream().map(v -> v instanceof Role r ? r.wire() : ((Scope) v).wire()).toArray(String[]::new);
    }
}
