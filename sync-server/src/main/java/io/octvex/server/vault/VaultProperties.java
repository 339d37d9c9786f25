package io.octvex.server.vault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the credential vault ({@code octvex.vault.*}); see docs/vault.md for how to choose a root key source.
 *
 * @param rootKeySource         where the root key comes from: {@code auto} (default: {@code rootKey} when set,
 *                              else {@code passphrase} when set, else the key file), {@code file}, {@code env},
 *                              {@code passphrase} or {@code keychain} (falls back to what auto would pick
 *                              when the OS keychain is missing, locked or does not answer in time)
 * @param keyFile               the key file (default {@code $OCTVEX_HOME/vault/root.key})
 * @param previousKeyFile       a root key being rotated out (default {@code $OCTVEX_HOME/vault/root.key.previous})
 * @param rootKey               the root key itself, base64 of 32 bytes ({@code OCTVEX_VAULT_ROOT_KEY})
 * @param previousRootKey       the root key being rotated out, base64 ({@code OCTVEX_VAULT_PREVIOUS_ROOT_KEY})
 * @param passphrase            a passphrase the root key is derived from with Argon2id ({@code OCTVEX_VAULT_PASSPHRASE})
 * @param previousPassphrase    the passphrase being rotated out ({@code OCTVEX_VAULT_PREVIOUS_PASSPHRASE})
 * @param keychainTimeout       how long the OS keychain may take to answer before the fallback is used (default 5 s)
 * @param rotateAfter           encryptions under one data key after which the workspace moves to a new one
 *                              (default 2^30, far below the 2^32 limit of random 96-bit GCM nonces)
 * @param maxValueSize          the largest secret value, all its fields together (default 64 KiB)
 * @param reencryptInterval     how often the re-encrypt job looks for values sealed under older terms (default 30 s)
 */
@ConfigurationProperties("octvex.vault")
public record VaultProperties(String rootKeySource, Path keyFile, Path previousKeyFile, String rootKey,
                              String previousRootKey, String passphrase, String previousPassphrase,
                              Duration keychainTimeout, Long rotateAfter, DataSize maxValueSize,
                              Duration reencryptInterval) {
    static final long DEFAULT_ROTATE_AFTER = 1L << 30;
    static final long MAX_ROTATE_AFTER = 1L << 31;

    public VaultProperties {
        rootKeySource = blank(rootKeySource) ? "auto" : rootKeySource.strip().toLowerCase(Locale.ROOT);
        rootKey = blank(rootKey) ? null : rootKey;
        previousRootKey = blank(previousRootKey) ? null : previousRootKey;
        passphrase = blank(passphrase) ? null : passphrase;
        previousPassphrase = blank(previousPassphrase) ? null : previousPassphrase;
        keychainTimeout = keychainTimeout != null ? keychainTimeout : Duration.ofSeconds(5);
        rotateAfter = rotateAfter != null ? rotateAfter : DEFAULT_ROTATE_AFTER;
        maxValueSize = maxValueSize != null ? maxValueSize : DataSize.ofKilobytes(64);
        reencryptInterval = reencryptInterval != null ? reencryptInterval : Duration.ofSeconds(30);
        if (rotateAfter < 1 || rotateAfter > MAX_ROTATE_AFTER) {
            throw new IllegalArgumentException("octvex.vault.rotate-after must be 1 to 2^31 encryptions, got " + rotateAfter);
        }
    }

    Path keyFile(Path home) {
        return keyFile != null ? keyFile : home.resolve("vault").resolve("root.key");
    }

    Path previousKeyFile(Path home) {
        return previousKeyFile != null ? previousKeyFile : keyFile(home).resolveSibling(keyFile(home).getFileName() + ".previous");
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    /** Never prints a key or a passphrase. */
    @Override
    public String toString() {
        return "VaultProperties[rootKeySource=" + rootKeySource + ", keyFile=" + keyFile + ", rootKey="
                + (rootKey == null ? "unset" : "***") + ", passphrase=" + (passphrase == null ? "unset" : "***")
                + ", keychainTimeout=" + keychainTimeout + ", rotateAfter=" + rotateAfter + ", maxValueSize="
                + maxValueSize + ", reencryptInterval=" + reencryptInterval + "]";
    }
}
