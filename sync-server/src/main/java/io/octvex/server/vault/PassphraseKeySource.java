package io.octvex.server.vault;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * A root key derived from a passphrase with Argon2id (BouncyCastle): for a machine with neither a keychain
 * nor a safe place for a key file. The salt and costs are stored with the vault, so every replica given the
 * same passphrase derives the same key.
 */
final class PassphraseKeySource implements RootKeySource {
    static final int MIN_LENGTH = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final char[] passphrase;
    private final String name;

    PassphraseKeySource(char[] passphrase, String name) {
        this.passphrase = passphrase;
        this.name = name;
        if (passphrase != null && Character.codePointCount(passphrase, 0, passphrase.length) < MIN_LENGTH) {
            throw new VaultLockedException(name + " is shorter than " + MIN_LENGTH + " characters.",
                    "Choose a passphrase of at least " + MIN_LENGTH + " characters; several unrelated words are best.");
        }
    }

    @Override
    public String kind() {
        return "passphrase";
    }

    @Override
    public String describe() {
        return "the passphrase in " + name;
    }

    /** Empty when the vault's key was not derived from a passphrase: there is no salt to derive with. */
    @Override
    public Optional<RootKey> load(KdfParams kdf) {
        return passphrase == null || kdf == null ? Optional.empty() : Optional.of(derive(kdf));
    }

    @Override
    public RootKey loadOrCreate() {
        if (passphrase == null) {
            throw new VaultLockedException(name + " is not set.", "Set it to a passphrase of at least "
                    + MIN_LENGTH + " characters.");
        }
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return derive(new KdfParams(KdfParams.MEMORY_KIB, KdfParams.ITERATIONS, KdfParams.PARALLELISM, salt));
    }

    private RootKey derive(KdfParams kdf) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(kdf.memoryKib())
                .withIterations(kdf.iterations()).withParallelism(kdf.parallelism()).withSalt(kdf.salt()).build());
        byte[] secret = Utf8.encode(passphrase);
        try {
            byte[] key = new byte[Aead.KEY_BYTES];
            generator.generateBytes(secret, key);
            return RootKey.of(key, kind(), kdf);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }
}
