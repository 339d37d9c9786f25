package io.octvex.server.vault;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the root key source from {@code octvex.vault.*}, and the sources of a previous root key being rotated
 * out. {@code auto} takes the first that is configured: a key in the environment, a passphrase, the key
 * file. {@code keychain} is probed first (off this thread, bounded in time) and, when it cannot be used,
 * falls back to what {@code auto} would pick, saying so in the log.
 */
final class RootKeySources {
    static final String ROOT_KEY = "OCTVEX_VAULT_ROOT_KEY";
    static final String PREVIOUS_ROOT_KEY = "OCTVEX_VAULT_PREVIOUS_ROOT_KEY";
    static final String PASSPHRASE = "OCTVEX_VAULT_PASSPHRASE";
    static final String PREVIOUS_PASSPHRASE = "OCTVEX_VAULT_PREVIOUS_PASSPHRASE";
    private static final Logger log = LoggerFactory.getLogger(RootKeySources.class);

    private RootKeySources() {}

    /** The source of the current root key, and those a previous one may be found in (for a rotation). */
    record Choice(RootKeySource current, List<RootKeySource> previous) {}

    static Choice choose(VaultProperties settings, Path home, Supplier<Keychain> keychain) {
        return new Choice(current(settings, home, keychain), previous(settings, home));
    }

    private static RootKeySource current(VaultProperties settings, Path home, Supplier<Keychain> keychain) {
        return switch (settings.rootKeySource()) {
            case "auto" -> auto(settings, home);
            case "file" -> new KeyFileSource(settings.keyFile(home));
            case "env" -> {
                if (settings.rootKey() == null) {
                    throw new VaultLockedException("octvex.vault.root-key-source is 'env' but " + ROOT_KEY + " is not set.",
                            "Set " + ROOT_KEY + " to the root key (base64 of 32 bytes), or choose another source.");
                }
                yield new EnvironmentKeySource(settings.rootKey(), ROOT_KEY);
            }
            case "passphrase" -> {
                if (settings.passphrase() == null) {
                    throw new VaultLockedException("octvex.vault.root-key-source is 'passphrase' but " + PASSPHRASE
                            + " is not set.", "Set " + PASSPHRASE + ", or choose another source.");
                }
                yield passphrase(settings.passphrase(), PASSPHRASE);
            }
            case "keychain" -> keychainOrFallback(settings, home, keychain);
            default -> throw new VaultLockedException("octvex.vault.root-key-source is '" + settings.rootKeySource()
                    + "', which is not a root key source.", "Use one of auto, file, env, passphrase, keychain.");
        };
    }

    private static RootKeySource auto(VaultProperties settings, Path home) {
        if (settings.rootKey() != null) {
            return new EnvironmentKeySource(settings.rootKey(), ROOT_KEY);
        }
        if (settings.passphrase() != null) {
            return passphrase(settings.passphrase(), PASSPHRASE);
        }
        return new KeyFileSource(settings.keyFile(home));
    }

    private static RootKeySource keychainOrFallback(VaultProperties settings, Path home, Supplier<Keychain> keychain) {
        String account = "root-key " + home.toAbsolutePath().normalize();
        try {
            KeychainKeySource source = new KeychainKeySource(keychain.get(), account, settings.keychainTimeout());
            source.probe();
            log.info("The vault's root key is kept in {}", source.describe());
            return source;
        } catch (RuntimeException | LinkageError e) { // the keychain library may also fail to load its natives
            RootKeySource fallback = auto(settings, home);
            log.warn("The OS keychain cannot hold the vault's root key: {}. Falling back to {}; to use the keychain, "
                    + "make sure it is installed and unlocked, then restart.", reason(e), fallback.describe());
            return fallback;
        }
    }

    private static String reason(Throwable e) {
        return e instanceof KeychainKeySource.UnavailableException ? e.getMessage()
                : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    }

    private static List<RootKeySource> previous(VaultProperties settings, Path home) {
        List<RootKeySource> sources = new ArrayList<>();
        if (settings.previousRootKey() != null) {
            sources.add(new EnvironmentKeySource(settings.previousRootKey(), PREVIOUS_ROOT_KEY));
        }
        if (settings.previousPassphrase() != null) {
            sources.add(passphrase(settings.previousPassphrase(), PREVIOUS_PASSPHRASE));
        }
        sources.add(new KeyFileSource(settings.previousKeyFile(home)));
        return List.copyOf(sources);
    }

    private static PassphraseKeySource passphrase(String value, String name) {
        return new PassphraseKeySource(value.toCharArray(), name);
    }
}
