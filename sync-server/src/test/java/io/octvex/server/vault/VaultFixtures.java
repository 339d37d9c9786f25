package io.octvex.server.vault;

import io.octvex.protocol.CreateSecret;
import io.octvex.protocol.SecretKind;

/** Requests for the secrets API, readable in one line. */
final class VaultFixtures {
    private VaultFixtures() {}

    static CreateSecret bearer(String name, String token) {
        return new CreateSecret(name, SecretKind.BEARER, null, null, null, null, token.toCharArray());
    }

    static CreateSecret opaque(String name, String value) {
        return new CreateSecret(name, SecretKind.OPAQUE, value.toCharArray(), null, null, null, null);
    }
}
