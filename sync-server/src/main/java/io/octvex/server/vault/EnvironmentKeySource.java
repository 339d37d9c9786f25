package io.octvex.server.vault;

import java.util.Optional;

/** A root key handed over in the environment ({@code OCTVEX_VAULT_ROOT_KEY}), as servers and containers do. */
final class EnvironmentKeySource implements RootKeySource {
    private final String value;
    private final String name;

    EnvironmentKeySource(String value, String name) {
        this.value = value;
        this.name = name;
    }

    @Override
    public String kind() {
        return "env";
    }

    @Override
    public String describe() {
        return "the key in " + name;
    }

    @Override
    public Optional<RootKey> load(KdfParams kdf) {
        return value == null ? Optional.empty() : Optional.of(RootKey.of(Base64Keys.decode(value, name), kind(), null));
    }

    /** An environment variable cannot be written: the operator makes the key. */
    @Override
    public RootKey loadOrCreate() {
        return load(null).orElseThrow(() -> new VaultLockedException(name + " is not set.",
                "Set it to base64 of 32 random bytes ('openssl rand -base64 32') and keep a copy in a safe place."));
    }
}
