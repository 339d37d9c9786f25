package io.octvex.desk.unlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.octvex.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeskVaultTest {
    private static final String TOKEN = "oct_canary_" + UUID.randomUUID();
    private static final char[] PASS = "correct horse battery staple".toCharArray();

    @TempDir
    Path dir;

    private final MemoryKeychain keychain = new MemoryKeychain();

    private DeskVault vault(WebAuthnCeremonies webauthn) {
        return new DeskVault(dir.resolve("secrets.json"), keychain, Duration.ofSeconds(2), webauthn);
    }

    @Test
    void aPassphraseStoreOpensInANewProcessAndKeepsNoValueInTheClear() throws Exception {
        DeskVault first = vault(null);
        assertThat(first.status().exists()).isFalse();
        first.setUp(Method.PASSPHRASE, PASS.clone());
        first.put("session", TOKEN);

        String text = Files.readString(first.file());
        assertThat(text).doesNotContain(TOKEN).doesNotContain(Base64.getEncoder().encodeToString(
                TOKEN.getBytes(StandardCharsets.UTF_8)));
        assertThat(Files.getPosixFilePermissions(first.file())).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        DeskVault again = vault(null);
        assertThat(again.status()).isEqualTo(new DeskVault.Status(true, false, List.of(Method.PASSPHRASE), false, null));
        assertThatThrownBy(() -> again.get("session")).isInstanceOf(DeskVault.Refused.class)
                .hasMessage("The Desk's secrets are locked: unlock them first.");
        again.unlock(Method.PASSPHRASE, PASS.clone());
        assertThat(again.get("session")).contains(TOKEN);
        again.lock();
        assertThat(again.status().unlocked()).isFalse();
    }

    @Test
    void aWrongPassphraseIsASentenceAndTheStoreStaysAsItWas() throws Exception {
        vault(null).setUp(Method.PASSPHRASE, PASS.clone());
        byte[] before = Files.readAllBytes(dir.resolve("secrets.json"));
        DeskVault again = vault(null);
        assertThatThrownBy(() -> again.unlock(Method.PASSPHRASE, "not the passphrase at all".toCharArray()))
                .isInstanceOf(DeskVault.Refused.class).hasMessage("Wrong passphrase: the Desk's secrets stay locked.")
                .hasNoCause();
        assertThat(again.status().unlocked()).isFalse();
        assertThat(Files.readAllBytes(dir.resolve("secrets.json"))).isEqualTo(before);
        assertThatThrownBy(() -> vault(null).unlock(Method.KEYCHAIN, null))
                .hasMessage("The Desk's secrets are not set up for the OS keychain; they open with a passphrase.");
    }

    @Test
    void aShortPassphraseIsRefusedBeforeAnythingIsWritten() {
        assertThatThrownBy(() -> vault(null).setUp(Method.PASSPHRASE, "short".toCharArray()))
                .hasMessageContaining("at least 12 characters");
        assertThat(dir.resolve("secrets.json")).doesNotExist();
    }

    @Test
    void switchingMethodRewrapsTheSameKeyAndLeavesTheEntries() throws Exception {
        DeskVault v = vault(null);
        v.setUp(Method.PASSPHRASE, PASS.clone());
        v.put("session", TOKEN);
        StoreFile before = StoreFile.read(v.file()).orElseThrow();

        v.switchTo(Method.KEYCHAIN, null);
        StoreFile after = StoreFile.read(v.file()).orElseThrow();
        assertThat(after.wraps()).extracting(StoreFile.Wrap::method).containsExactly("keychain");
        assertThat(after.entries().get("session").data()).isEqualTo(before.entries().get("session").data());
        assertThat(keychain.entries).containsOnlyKeys("octvex|desk-key " + after.storeId());

        DeskVault again = vault(null);
        assertThatThrownBy(() -> again.unlock(Method.PASSPHRASE, PASS.clone()))
                .hasMessageContaining("not set up for a passphrase");
        again.unlock(Method.KEYCHAIN, null);
        assertThat(again.get("session")).contains(TOKEN);
        assertThatThrownBy(() -> again.remove(Method.KEYCHAIN)).isInstanceOf(DeskVault.Refused.class)
                .hasMessageContaining("it is the only way to open");
        assertThat(StoreFile.read(v.file()).orElseThrow().wraps()).hasSize(1);

        again.enroll(Method.PASSPHRASE, "another long passphrase".toCharArray());
        again.remove(Method.KEYCHAIN);
        assertThat(keychain.entries).isEmpty();
        DeskVault third = vault(null);
        third.unlock(Method.PASSPHRASE, "another long passphrase".toCharArray());
        assertThat(third.get("session")).contains(TOKEN);
    }

    @Test
    void aTamperedFileIsAClearErrorAndIsNeverWrittenOver() throws Exception {
        DeskVault v = vault(null);
        v.setUp(Method.PASSPHRASE, PASS.clone());
        v.put("session", TOKEN);
        Path file = v.file();
        String good = Files.readString(file);
        String broken = good.substring(0, good.length() / 2);
        Files.writeString(file, broken);

        DeskVault again = vault(null);
        DeskVault.Status status = again.status();
        assertThat(status.exists()).isTrue();
        assertThat(status.problem()).startsWith("The Desk's secret store " + file + " is damaged: it is not the JSON")
                .contains("It was left as it is");
        assertThatThrownBy(() -> again.setUp(Method.PASSPHRASE, PASS.clone())).hasMessageContaining("is damaged");
        assertThatThrownBy(() -> again.unlock(Method.PASSPHRASE, PASS.clone())).hasMessageContaining("is damaged");
        assertThatThrownBy(() -> v.put("other", "value")).hasMessageContaining("is damaged");
        assertThat(Files.readString(file)).isEqualTo(broken);

        // a changed ciphertext byte inside valid JSON: the entry does not open, and the file stays
        StoreFile stored = Json.read(good, StoreFile.class);
        byte[] data = stored.entries().get("session").data().clone();
        data[0] ^= 1;
        Map<String, StoreFile.Box> entries = new HashMap<>(stored.entries());
        entries.put("session", new StoreFile.Box(stored.entries().get("session").nonce(), data));
        String flipped = Json.write(new StoreFile(1, stored.storeId(), stored.wraps(), entries));
        Files.writeString(file, flipped);
        DeskVault third = vault(null);
        third.unlock(Method.PASSPHRASE, PASS.clone());
        assertThatThrownBy(() -> third.get("session"))
                .hasMessage("The entry 'session' in " + file + " does not open: the file was changed outside the "
                        + "Desk. It was left as it is.");
        assertThat(Files.readString(file)).isEqualTo(flipped);
    }

    @Test
    void swappingTwoEntriesIsDetectedByTheirNames() throws Exception {
        DeskVault v = vault(null);
        v.setUp(Method.PASSPHRASE, PASS.clone());
        v.put("session a", "value of a");
        v.put("session b", "value of b");
        StoreFile stored = StoreFile.read(v.file()).orElseThrow();
        Map<String, StoreFile.Box> swapped = Map.of("session a", stored.entries().get("session b"),
                "session b", stored.entries().get("session a"));
        Files.writeString(v.file(), Json.write(new StoreFile(1, stored.storeId(), stored.wraps(), swapped)));
        assertThatThrownBy(() -> v.get("session a")).hasMessageContaining("does not open");
        assertThatThrownBy(() -> v.get("session b")).hasMessageContaining("does not open");
    }

    @Test
    void aKeychainThatHangsIsGivenUpWithinTheTimeoutWithASentence() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        Keychain hanging = new Keychain() {
            @Override
            public String read(String service, String account) throws Exception {
                never.await();
                return null;
            }

            @Override
            public void write(String service, String account, String text) throws Exception {
                never.await();
            }

            @Override
            public void delete(String service, String account) throws Exception {
                never.await();
            }
        };
        DeskVault v = new DeskVault(dir.resolve("secrets.json"), hanging, Duration.ofMillis(300), null);
        Instant start = Instant.now();
        DeskVault.KeychainCheck check = v.checkKeychain();
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(5));
        assertThat(check).isEqualTo(new DeskVault.KeychainCheck(false, "The OS keychain cannot be used: the keychain "
                + "did not answer a write within 300 ms (locked, waiting for an unlock dialog, or hung)."));
        assertThatThrownBy(() -> v.setUp(Method.KEYCHAIN, null)).hasMessageContaining("Choose a passphrase instead");
        assertThat(v.file()).doesNotExist();
        v.setUp(Method.PASSPHRASE, PASS.clone()); // the fallback still works
        assertThat(v.status().unlocked()).isTrue();
    }

    @Test
    void aKeychainThatThrowsIsASentenceToo() {
        Keychain failing = new Keychain() {
            @Override
            public String read(String service, String account) {
                throw new IllegalStateException("backend exploded");
            }

            @Override
            public void write(String service, String account, String text) {
                throw new IllegalStateException("backend exploded");
            }

            @Override
            public void delete(String service, String account) {}
        };
        DeskVault v = new DeskVault(dir.resolve("secrets.json"), failing, Duration.ofSeconds(2), null);
        assertThat(v.checkKeychain()).isEqualTo(new DeskVault.KeychainCheck(false, "The OS keychain cannot be used: "
                + "the keychain failed a write: IllegalStateException (backend exploded)."));
    }

    @Test
    void webAuthnWithPrfDerivesTheKeyFromTheGestureAlone() throws Exception {
        byte[] prf = Crypto.random(32);
        FakeCeremonies ceremonies = new FakeCeremonies("cred-1", prf);
        DeskVault v = vault(ceremonies);
        v.setUp(Method.WEBAUTHN, null);
        v.put("session", TOKEN);
        assertThat(keychain.entries).as("with PRF nothing goes to the keychain").isEmpty();
        StoreFile.Wrap wrap = StoreFile.read(v.file()).orElseThrow().wraps().getFirst();
        assertThat(wrap.credentialId()).isEqualTo("cred-1");
        assertThat(wrap.prf()).isTrue();

        DeskVault again = vault(ceremonies);
        again.unlock(Method.WEBAUTHN, null);
        assertThat(again.get("session")).contains(TOKEN);
        assertThat(ceremonies.assertions).isEqualTo(1);

        DeskVault otherPrf = vault(new FakeCeremonies("cred-1", Crypto.random(32)));
        assertThatThrownBy(() -> otherPrf.unlock(Method.WEBAUTHN, null)).hasMessageContaining("does not open");
        DeskVault otherKey = vault(new FakeCeremonies("cred-2", prf));
        assertThatThrownBy(() -> otherKey.unlock(Method.WEBAUTHN, null))
                .hasMessageContaining("not the one registered for this Desk");
        DeskVault noPrf = vault(new FakeCeremonies("cred-1", null));
        assertThatThrownBy(() -> noPrf.unlock(Method.WEBAUTHN, null)).hasMessageContaining("gave no PRF output");
        assertThatThrownBy(() -> vault(null).unlock(Method.WEBAUTHN, null))
                .hasMessageContaining("WebAuthn is not available in this build");
    }

    @Test
    void webAuthnWithoutPrfNeedsTheKeychainKeyAndAnAssertion() throws Exception {
        FakeCeremonies ceremonies = new FakeCeremonies("cred-1", null);
        DeskVault v = vault(ceremonies);
        v.setUp(Method.WEBAUTHN, null);
        v.put("session", TOKEN);
        UUID id = StoreFile.read(v.file()).orElseThrow().storeId();
        assertThat(keychain.entries).containsOnlyKeys("octvex|desk-key " + id + " webauthn");
        assertThat(StoreFile.read(v.file()).orElseThrow().wraps().getFirst().prf()).isFalse();
        assertThat(v.status().webAuthnWithoutPrf()).isTrue();

        DeskVault again = vault(ceremonies);
        again.unlock(Method.WEBAUTHN, null);
        assertThat(again.get("session")).contains(TOKEN);

        DeskVault failingGesture = vault(new FakeCeremonies(null, null));
        assertThatThrownBy(() -> failingGesture.unlock(Method.WEBAUTHN, null))
                .hasMessage("The WebAuthn sign-in did not complete (IllegalStateException).");
        keychain.entries.clear();
        assertThatThrownBy(() -> vault(ceremonies).unlock(Method.WEBAUTHN, null))
                .hasMessageContaining("The OS keychain has no key for this Desk");
    }

    @Test
    void aSavedSessionComesBackForItsServerAndIsForgotten() throws Exception {
        DeskVault v = vault(null);
        v.setUp(Method.PASSPHRASE, PASS.clone());
        UUID workspace = UUID.randomUUID();
        v.rememberSession(new DeskVault.SavedSession("http://127.0.0.1:8080/", "alice", workspace, TOKEN));
        assertThat(v.recallSession("http://127.0.0.1:8080")).contains(
                new DeskVault.SavedSession("http://127.0.0.1:8080/", "alice", workspace, TOKEN));
        assertThat(v.recallSession("http://127.0.0.1:9090")).isEmpty();
        assertThat(v.recallSession("http://127.0.0.1:8080").orElseThrow().toString()).doesNotContain(TOKEN);
        v.forgetSession("http://127.0.0.1:8080/", "alice");
        assertThat(v.recallSession("http://127.0.0.1:8080")).isEmpty();
        assertThat(Files.readString(v.file())).doesNotContain(TOKEN);
    }

    /** An in-memory keychain (the real one is tested in KeychainStoreIT against gnome-keyring). */
    static final class MemoryKeychain implements Keychain {
        final Map<String, String> entries = new HashMap<>();

        @Override
        public synchronized String read(String service, String account) {
            return entries.get(service + "|" + account);
        }

        @Override
        public synchronized void write(String service, String account, String text) {
            entries.put(service + "|" + account, text);
        }

        @Override
        public synchronized void delete(String service, String account) {
            entries.remove(service + "|" + account);
        }
    }

    /** The browser ceremony stood in for: the same credential every time, with or without a PRF output. */
    static final class FakeCeremonies implements WebAuthnCeremonies {
        private final String credentialId;
        private final byte[] prf;
        int assertions;

        FakeCeremonies(String credentialId, byte[] prf) {
            this.credentialId = credentialId;
            this.prf = prf;
        }

        @Override
        public Outcome register(Duration timeout) {
            return outcome();
        }

        @Override
        public Outcome authenticate(Duration timeout) {
            assertions++;
            return outcome();
        }

        private Outcome outcome() {
            if (credentialId == null) {
                throw new IllegalStateException("the user closed the browser tab");
            }
            return new Outcome(credentialId, Optional.ofNullable(prf).map(byte[]::clone));
        }
    }
}
