package io.octvex.desk.webauthn;

import java.util.Optional;

/**
 * A verified ceremony: the credential that performed it and, when the authenticator supports the PRF extension,
 * its 32-byte output for this Desk's salt (the same bytes at every ceremony of that credential). The secret is
 * the caller's to wipe; {@link #toString()} never shows it.
 */
public record CeremonyResult(String credentialId, Optional<byte[]> prfSecret) {

    @Override
    public String toString() {
        return "CeremonyResult[credentialId=" + credentialId + ", prf=" + (prfSecret.isPresent() ? "yes" : "no") + "]";
    }
}
