package io.octvex.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Who acts: a person with a password, an AI agent, or a service (CI, a scheduler) holding tokens. */
public enum PrincipalKind {
    USER, AGENT, SERVICE;

    @JsonValue
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    @JsonCreator
    public static PrincipalKind fromWire(String value) {
        return Wire.parse(PrincipalKind.class, value);
    }
}
