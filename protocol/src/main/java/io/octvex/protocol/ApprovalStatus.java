package io.octvex.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where an approval stands. It leaves {@code pending} exactly once: approved (quorum reached), denied (by any
 * eligible approver), expired, or cancelled (its step no longer waits, e.g. the run was cancelled).
 */
public enum ApprovalStatus {
    PENDING, APPROVED, DENIED, EXPIRED, CANCELLED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    @JsonCreator
    public static ApprovalStatus fromWire(String value) {
        return Wire.parse(ApprovalStatus.class, value);
    }
}
