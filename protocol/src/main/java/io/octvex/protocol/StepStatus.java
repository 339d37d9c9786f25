package io.octvex.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A step's status; {@code SKIPPED} is for steps whose dependency failed or was skipped. */
public enum StepStatus {
    PENDING, QUEUED, RUNNING, BLOCKED, COMPLETED, FAILED, CANCELLED, SKIPPED;

    public boolean terminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED || this == SKIPPED;
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    @JsonCreator
    public static StepStatus fromWire(String value) {
        return Wire.parse(StepStatus.class, value);
    }
}
