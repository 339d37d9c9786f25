package io.octvex.server.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The root key sources on their own: the key file, a key in the environment, a passphrase, and the OS
 * keychain behind its interface, including a keychain that is missing, fails, or hangs.
 */
@ExtendWith(OutputCaptureExtension.class)
class RootKeySourcesTest {
    @TempDir
    Path home;

    @Test
    void theKeyFileIsMadeOnceOwnerOnlyAndThenReadNeverReplaced(CapturedOutput output) throws Exception {
        KeyFileSource source = new KeyFileSource(home.resolve("vault/root.key"));
        assertThat(source.load(null)).isEmpty();
        RootKey made = source.loadOrCreate();
        Path file = home.resolve("vault/root.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        assertThat(Base64.getDecoder().decode(Files.readString(file).strip())).hasSize(32);
        assertThat(output).contains("BACK IT UP NOW").contains(file.toString());
        String before = Files.readString(file);

        RootKey again = new KeyFileSource(file).loadOrCreate();
        assertThat(again.matches(made.checkValue())).isTrue();
        assertThat(Files.readString(file)).isEqualTo(before);
        assertThat(output.toString().split("BACK IT UP NOW", -1)).hasSize(2); // announced once

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        source.load(null);
        assertThat(output).contains("can be read by others");
    }

    @Test
    void aMalformedKeyIsRefusedWithoutShowingIt() throws Exception {
        Path file = home.resolve("root.key");
        Files.writeString(file, "not base64 at all: s3cr3t!\n");
        assertThatThrownBy(() -> new KeyFileSource(file).load(null)).isInstanceOf(VaultLockedException.class)
                .hasMessageContaining("is not base64").hasMessageNotContaining("s3cr3t");
        Files.writeString(file, Base64.getEncoder().encodeToString(new byte[16]));
        assertThatThrownBy(() -> new KeyFileSource(file).load(null)).hasMessageContaining("holds 16 bytes");
        assertThatThrownBy(() -> new EnvironmentKeySource("c2hvcnQ=", "OCTVEX_VAULT_ROOT_KEY").load(null))
                .hasMessageContaining("OCTVEX_VAULT_ROOT_KEY holds 5 bytes");
    }

    @Test
    void aPassphraseGivesTheSameKeyWithTheStoredSaltOnly() {
        PassphraseKeySource source = new PassphraseKeySource("correct horse battery".toCharArray(), "OCTVEX_VAULT_PASSPHRASE");
        RootKey first = source.loadOrCreate();
        assertThat(first.kdf().memoryKib()).isEqualTo(64 * 1024);
        assertThat(first.kdf().salt()).hasSize(16);
        KdfParams stored = KdfParams.fromJson(first.kdf().toJson());
        assertThat(source.load(stored).orElseThrow().matches(first.checkValue())).isTrue();
        assertThat(source.loadOrCreate().matches(first.checkValue())).isFalse(); // a new salt: another key
        assertThat(new PassphraseKeySource("correct horse battery!".toCharArray(), "P").load(stored).orElseThrow()
                .matches(first.checkValue())).isFalse();
        assertThat(source.load(null)).isEmpty(); // a vault whose key was not made from a passphrase
        assertThatThrownBy(() -> new PassphraseKeySource("short".toCharArray(), "OCTVEX_VAULT_PASSPHRASE"))
                .hasMessageContaining("shorter than 12 characters");
    }

    @Test
    void autoPrefersAnEnvironmentKeyThenAPassphraseThenTheFile() {
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        assertThat(choose(settings("auto", key, "a long passphrase"), null).current()).isInstanceOf(EnvironmentKeySource.class);
        assertThat(choose(settings("auto", null, "a long passphrase"), null).current()).isInstanceOf(PassphraseKeySource.class);
        assertThat(choose(settings("auto", null, null), null).current().describe())
                .isEqualTo("key file " + home.resolve("vault/root.key").toAbsolutePath());
        assertThatThrownBy(() -> choose(settings("env", null, null), null)).hasMessageContaining("OCTVEX_VAULT_ROOT_KEY is not set");
        assertThatThrownBy(() -> choose(settings("hsm", null, null), null)).hasMessageContaining("not a root key source");
        assertThat(choose(settings("auto", null, null), null).previous()).singleElement()
                .satisfies(p -> assertThat(p.describe()).endsWith("root.key.previous"));
    }

    @Test
    void aWorkingKeychainKeepsAndReturnsTheKey(CapturedOutput output) {
        MemoryKeychain keychain = new MemoryKeychain();
        RootKeySource source = choose(settings("keychain", null, null), keychain).current();
        assertThat(source).isInstanceOf(KeychainKeySource.class);
        RootKey made = source.loadOrCreate();
        assertThat(keychain.entries).hasSize(1);
        assertThat(source.load(null).orElseThrow().matches(made.checkValue())).isTrue();
        assertThat(output).contains("kept in the OS keychain");
        assertThat(Files.exists(home.resolve("vault/root.key"))).isFalse();
    }

    @Test
    void aMissingKeychainFallsBackToTheFileAndSaysWhy(CapturedOutput output) {
        Keychain missing = new Keychain() {
            @Override
            public String read(String service, String account) throws Exception {
                throw new com.github.javakeyring.BackendNotSupportedException("No backend available");
            }

            @Override
            public void write(String service, String account, String text) {
                throw new AssertionError("never written");
            }

            @Override
            public void delete(String service, String account) {
                throw new AssertionError("never deleted");
            }
        };
        RootKeySource source = choose(settings("keychain", null, null), missing).current();
        assertThat(source).isInstanceOf(KeyFileSource.class);
        assertThat(output).contains("The OS keychain cannot hold the vault's root key")
                .contains("BackendNotSupportedException").contains("Falling back to key file");
    }

    @Test
    void aKeychainThatReadsButCannotWriteFallsBackBeforeTheFirstStart(CapturedOutput output) {
        // what the real Secret Service does when its keyring is locked or missing (KeychainRootKeyIT): a read
        // answers "no entry", a write fails
        Keychain locked = new Keychain() {
            @Override
            public String read(String service, String account) {
                return null;
            }

            @Override
            public void write(String service, String account, String text) {
                throw new NullPointerException("Cannot read field \"a\" because \"response\" is null");
            }

            @Override
            public void delete(String service, String account) {
                throw new AssertionError("nothing to delete");
            }
        };
        RootKeySource source = choose(settings("keychain", null, null), locked).current();
        assertThat(source).isInstanceOf(KeyFileSource.class);
        assertThat(output).contains("The OS keychain cannot hold the vault's root key: the keychain failed a write")
                .contains("Falling back to key file");
    }

    @Test
    void theFirstStartProbeLeavesNothingButTheRootKeyInTheKeychain() {
        MemoryKeychain keychain = new MemoryKeychain();
        RootKeySource source = choose(settings("keychain", null, null), keychain).current();
        assertThat(keychain.entries).isEmpty(); // probed with a throw-away entry, deleted again
        source.loadOrCreate();
        assertThat(keychain.entries.keySet()).containsExactly("octvex/root-key " + home.toAbsolutePath().normalize());
    }

    @Test
    void aHangingKeychainIsAbandonedInTimeAndTheFallbackUsed(CapturedOutput output) {
        CountDownLatch never = new CountDownLatch(1);
        Keychain hanging = new Keychain() {
            @Override
            public String read(String service, String account) throws Exception {
                never.await(); // a locked keyring waiting for an unlock dialog nobody answers
                return null;
            }

            @Override
            public void write(String service, String account, String text) {}

            @Override
            public void delete(String service, String account) {}
        };
        long start = System.nanoTime();
        RootKeySource source = choose(settings("keychain", null, "fallback passphrase"), hanging).current();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(source).isInstanceOf(PassphraseKeySource.class); // what auto picks when the keychain is out
        assertThat(output).contains("did not answer a read within 300 ms");
    }

    @Test
    void aKeychainThatLosesWhatIsWrittenIsRefused() {
        Keychain forgetful = new Keychain() {
            @Override
            public String read(String service, String account) {
                return null;
            }

            @Override
            public void write(String service, String account, String text) {}

            @Override
            public void delete(String service, String account) {}
        };
        KeychainKeySource source = new KeychainKeySource(forgetful, "a", Duration.ofSeconds(1));
        assertThatThrownBy(source::loadOrCreate).isInstanceOf(KeychainKeySource.UnavailableException.class)
                .hasMessageContaining("did not keep the key");
    }

    @Test
    void javaKeyringsNotFoundMessagesReadAsNoEntry() {
        assertThat(OsKeychain.absent("No stored credentials match service account: root-key")).isTrue();
        assertThat(OsKeychain.absent("Password not Found")).isTrue();
        assertThat(OsKeychain.absent("Error connecting to dbus")).isFalse();
    }

    private RootKeySources.Choice choose(VaultProperties settings, Keychain keychain) {
        return RootKeySources.choose(settings, home, () -> keychain);
    }

    private static VaultProperties settings(String source, String rootKey, String passphrase) {
        return new VaultProperties(source, null, null, rootKey, null, passphrase, null, Duration.ofMillis(300), null,
                null, null);
    }

    static final class MemoryKeychain implements Keychain {
        final Map<String, String> entries = new HashMap<>();

        @Override
        public synchronized String read(String service, String account) {
            return entries.get(service + "/" + account);
        }

        @Override
        public synchronized void write(String service, String account, String text) {
            entries.put(service + "/" + account, text);
        }

        @Override
        public synchronized void delete(String service, String account) {
            entries.remove(service + "/" + account);
        }
    }
}
