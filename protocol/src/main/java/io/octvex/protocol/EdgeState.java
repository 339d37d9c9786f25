package io.octvex.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * An edge's standing with the control plane. Quarantined and draining edges get no new leases (their
 * in-flight work continues); a draining edge exits once idle; a revoked edge is refused at once.
 */
public enum EdgeState {
    ACTIVE, QUARANTINED, DRAINING, REVOKED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    @JsonCreator
    public static EdgeState fromWire(String value) {
        return Wire.parse(EdgeState.class, value);
    }
}
