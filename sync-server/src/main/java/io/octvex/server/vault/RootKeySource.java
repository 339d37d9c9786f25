package io.octvex.server.vault;

import java.util.Optional;

/**
 * Where the vault's root key is kept: a key file, the environment, the OS keychain, or a passphrase. Small on
 * purpose, so a new place (a KMS, a hardware token) is one more implementation.
 */
interface RootKeySource {
    /** Stored with the vault's root term: {@code file}, {@code env}, {@code keychain} or {@code passphrase}. */
    String kind();

    /** Where exactly, for log lines and refusals ("key file /home/me/.octvex/vault/root.key"). */
    String describe();

    /**
     * The key this source holds, or empty when it holds none. {@code kdf} is what the vault stored with its
     * current root key (the salt of a passphrase-derived key), or null.
     */
    Optional<RootKey> load(KdfParams kdf);

    /** The key this source holds, made and kept first when it holds none: a first start, or a root rotation. */
    RootKey loadOrCreate();
}
