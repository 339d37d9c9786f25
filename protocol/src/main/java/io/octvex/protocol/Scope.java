package io.octvex.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What an API token may do. A token's effective rights are its scopes intersected with its principal's
 * roles in the token's workspace, so a token can never exceed the person or agent it belongs to.
 */
public enum Scope {
    WORKSPACE_READ("workspace:read"),
    WORKSPACE_ADMIN("workspace:admin"),
    MEMBERS_MANAGE("members:manage"),
    TOKENS_MANAGE("tokens:manage"),
    RUNS_READ("runs:read"),
    RUNS_WRITE("runs:write"),
    RUNS_EXECUTE("runs:execute"),
    EVENTS_READ("events:read"),
    SECRETS_MANAGE("secrets:manage");

    private final String wire;

    Scope(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static Scope fromWire(String value) {
        for (Scope scope : values()) {
            if (scope.wire.equals(value == null ? null : value.toLowerCase(Locale.ROOT))) {
                return scope;
            }
        }
        throw new IllegalArgumentException("unknown scope '" + value + "'; known scopes: "
                + java.util.Arrays.stream(values()).map(Scope::wire).toList());
    }
}
