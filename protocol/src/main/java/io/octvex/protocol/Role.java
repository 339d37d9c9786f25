package io.octvex.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A principal's role in one workspace. Policy builds on these. */
public enum Role {
    OWNER, ADMIN, APPROVER, OPERATOR, AGENT, VIEWER;

    @JsonValue
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    @JsonCreator
    public static Role fromWire(String value) {
        return Wire.parse(Role.class, value);
    }
}
