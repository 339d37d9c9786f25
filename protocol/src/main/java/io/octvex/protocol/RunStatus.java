package io.octvex.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A run's status. Which status may follow which is decided in one table on the server. */
public enum RunStatus {
    PLANNING, QUEUED, RUNNING, BLOCKED, COMPLETED, FAILED, CANCELLED;

    public boolean terminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    @JsonCreator
    public static RunStatus fromWire(String value) {
        return Wire.parse(RunStatus.class, value);
    }
}
