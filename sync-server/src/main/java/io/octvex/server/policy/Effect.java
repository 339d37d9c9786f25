package io.octvex.server.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** A decision's outcome, in the order that combining ranks them: deny over approval over allow. */
public enum Effect {
    DENY, REQUIRE_APPROVAL, ALLOW;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Effect fromWire(String value) {
        return Arrays.stream(values()).filter(e -> e.wire().equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown effect '" + value
                        + "'; expected allow, deny or require_approval"));
    }
}
