package io.octvex.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.CreateSecret;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.SecretKind;
import io.octvex.protocol.SecretView;
import io.octvex.protocol.VaultStatus;
import io.octvex.protocol.WorkspaceView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vault's root key in a real OS keychain: the server jar started with {@code OCTVEX_VAULT_ROOT_KEY_SOURCE=
 * keychain} inside a private D-Bus session with a real, unlocked gnome-keyring daemon (java-keyring's Secret
 * Service backend, no fakes). The key goes into the keyring and nowhere on disk, survives a restart, and the
 * secrets sealed under it still open; without a usable keyring the server falls back and says why.
 */
class KeychainRootKeyIT {
    private static final Duration START = Duration.ofSeconds(120);
    private static final String FALLBACK = "The OS keychain cannot hold the vault's root key";

    @TempDir
    Path dir;

    @BeforeEach
    void realKeyringOnly() {
        KeyringSession.assumeAvailable();
    }

    @Test
    void theRootKeyLivesInTheKeyringAndOpensTheVaultAgainAfterARestart() throws Exception {
        Path home = dir.resolve("octvex");
        Files.createDirectories(home);
        String account = "root-key " + home.toAbsolutePath().normalize();
        try (KeyringSession session = KeyringSession.withKeyring(dir.resolve("session"))) {
            Map<String, String> env = keychainServer(session.environment());
            WorkspaceView workspace;
            SecretView created;
            String entry = null;
            try (ServerProcess server = ServerProcess.start(home, env)) {
                OctvexClient admin = admin(server.awaitUrl(START));
                assertThat(server.output())
                        .contains("The vault's root key is kept in the OS keychain (service 'octvex', account '" + account + "')")
                        .contains("Vault initialised with the OS keychain")
                        .doesNotContain(FALLBACK);
                assertThat(keyFilesUnder(home)).as("no root key file under OCTVEX_HOME").isEmpty();
                if (KeyringSession.canLookUp()) { // the entry is in the real keyring, as 32 random bytes
                    entry = session.lookup("octvex", account).orElseThrow(() -> new AssertionError(
                            "the keyring holds no entry for account '" + account + "'"));
                    assertThat(Base64.getDecoder().decode(entry.strip())).hasSize(32);
                    assertThat(server.output()).doesNotContain(entry.strip());
                    assertThat(session.lookup("octvex", "probe " + account)).as("the probe's entry is deleted").isEmpty();
                }

                workspace = admin.createWorkspace("laptop");
                created = admin.createSecret(workspace.id(), new CreateSecret("billing-token", SecretKind.OPAQUE,
                        "s3cret value in the keychain test".toCharArray(), null, null, null, null));
                assertThat(created.keyTerm()).isEqualTo(1);
                server.stop();
            }

            // the same bus and keyring daemon, a new server process: the key comes back from the keyring
            try (ServerProcess server = ServerProcess.start(home, env)) {
                OctvexClient admin = admin(server.awaitUrl(START));
                assertThat(server.output()).contains("Vault unlocked with the OS keychain (service 'octvex', account '"
                        + account + "') (root term 1").doesNotContain(FALLBACK).doesNotContain("Vault initialised");
                assertThat(keyFilesUnder(home)).isEmpty();
                if (entry != null) {
                    assertThat(session.lookup("octvex", account)).contains(entry);
                }
                SecretView again = admin.secret(workspace.id(), "billing-token");
                assertThat(again.id()).isEqualTo(created.id());
                assertThat(again.version()).isEqualTo(1);
                assertThat(again.keyTerm()).isEqualTo(1);
                VaultStatus status = admin.vault(workspace.id());
                assertThat(status.keyTerm()).isEqualTo(1);
                assertThat(status.secrets()).isEqualTo(1);
                assertThat(status.secretsOnOlderTerms()).isZero();

                // The API never returns a value. What opens one: the re-encrypt job after a data key rotation
                // unwraps the old data key with the root key from the keyring, opens the value and seals it
                // again under the new data key. It only moves the secret to term 2 if the value opened.
                assertThat(admin.rotateVault(workspace.id()).keyTerm()).isEqualTo(2);
                Instant deadline = Instant.now().plusSeconds(60);
                while (admin.secret(workspace.id(), "billing-token").keyTerm() != 2) {
                    assertThat(Instant.now()).as("re-encryption under the new data key\n" + server.output())
                            .isBefore(deadline);
                    Thread.sleep(250);
                }
                assertThat(admin.vault(workspace.id()).secretsOnOlderTerms()).isZero();
                assertThat(server.output()).contains("Re-encrypted 1 secret values")
                        .doesNotContain("Cannot re-encrypt").doesNotContain("re-encryption failed");
            }
        }
    }

    @Test
    void aBusWithNoUnlockedKeyringFallsBackToTheKeyFileAndSaysWhy() throws Exception {
        Path home = dir.resolve("octvex");
        Files.createDirectories(home);
        try (KeyringSession session = KeyringSession.withoutKeyring(dir.resolve("session"));
             ServerProcess server = ServerProcess.start(home, keychainServer(session.environment()))) {
            admin(server.awaitUrl(START));
            // D-Bus starts gnome-keyring-daemon on demand, with no unlocked keyring: a read answers "no entry",
            // only the write fails, so the probe must write (it did not, and the first start failed)
            assertThat(server.output()).contains(FALLBACK + ": the keychain failed a write")
                    .contains("Falling back to key file " + home.resolve("vault/root.key"))
                    .contains("Vault initialised with key file");
            assertThat(home.resolve("vault/root.key")).exists();
        }
    }

    @Test
    void noSessionBusAtAllFallsBackToTheKeyFileAndSaysWhy() throws Exception {
        Path home = dir.resolve("octvex");
        Files.createDirectories(home);
        Map<String, String> env = keychainServer(Map.of("HOME", dir.toString()));
        env.put("DBUS_SESSION_BUS_ADDRESS", null);
        env.put("DISPLAY", null);
        try (ServerProcess server = ServerProcess.start(home, env)) {
            admin(server.awaitUrl(START));
            assertThat(server.output()).contains(FALLBACK + ": the keychain failed a read: BackendNotSupportedException")
                    .contains("Falling back to key file " + home.resolve("vault/root.key"));
            assertThat(home.resolve("vault/root.key")).exists();
        }
    }

    private static Map<String, String> keychainServer(Map<String, String> session) {
        Map<String, String> env = new HashMap<>(session);
        env.put("OCTVEX_VAULT_ROOT_KEY_SOURCE", "keychain");
        env.put("OCTVEX_VAULT_REENCRYPT_INTERVAL", "PT1S");
        env.put("OCTVEX_VAULT_ROOT_KEY", null); // only the keychain, whatever the machine has set
        env.put("OCTVEX_VAULT_PASSPHRASE", null);
        return env;
    }

    private static OctvexClient admin(String url) {
        OctvexClient anonymous = OctvexClient.connect(url);
        return anonymous.withToken(anonymous.login("admin", ServerProcess.ADMIN_PASSWORD).token());
    }

    private static List<Path> keyFilesUnder(Path home) throws Exception {
        try (Stream<Path> files = Files.walk(home)) {
            return files.filter(p -> p.getFileName().toString().startsWith("root.key")).toList();
        }
    }
}
