package io.octvex.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

public enum WorkspaceStatus {
    ACTIVE, ARCHIVED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    @JsonCreator
    public static WorkspaceStatus fromWire(String value) {
        return Wire.parse(WorkspaceStatus.class, value);
    }
}
