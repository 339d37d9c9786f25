package io.octvex.desk.unlock;

import java.time.Duration;
import java.util.Optional;

/** A WebAuthn ceremony the user performs in the system browser. */
public interface WebAuthnCeremonies {
    /** Registers a new credential for this Desk; the PRF output when the authenticator supports PRF. */
    Outcome register(Duration timeout) throws Exception;

    /** A verified assertion by the registered credential; its PRF output when supported. */
    Outcome authenticate(Duration timeout) throws Exception;

    record Outcome(String credentialId, Optional<byte[]> prfSecret) {}
}
