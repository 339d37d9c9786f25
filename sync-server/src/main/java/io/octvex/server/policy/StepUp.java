package io.octvex.server.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What an approver must prove, beyond holding the role, to approve: {@code webauthn} asks for a fresh
 * WebAuthn assertion bound to the approval's evidence (see {@code io.octvex.server.stepup}).
 */
public enum StepUp {
    WEBAUTHN;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static StepUp fromWire(String value) {
        if ("webauthn".equals(value)) {
            return WEBAUTHN;
        }
        throw new IllegalArgumentException("unknown step_up '" + value + "'; the only one is webauthn");
    }
}
