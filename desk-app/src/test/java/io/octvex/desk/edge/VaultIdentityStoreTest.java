package io.octvex.desk.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.octvex.desk.testing.DeskTesting;
import io.octvex.desk.unlock.DeskVault;
import io.octvex.desk.unlock.Method;
import io.octvex.edge.identity.EdgeIdentity;
import io.octvex.edge.identity.IdentityFile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VaultIdentityStoreTest {
    static final String PASSPHRASE = "correct horse battery staple";
    /** Held here: JUL keeps loggers only weakly, and a collected one would lose the capturing handler. */
    private static final Logger LOGGER = Logger.getLogger(VaultIdentityStore.class.getName());

    @TempDir
    Path data;

    /**
     * A fresh identity whose secrets are easy to look for (a random token, a real X25519 private key), for a
     * server that is never there (port 9, discard), so an edge started with it only retries.
     */
    static EdgeIdentity identity(Instant enrolledAt) throws Exception {
        var keys = KeyPairGenerator.getInstance("X25519").generateKeyPair();
        return new EdgeIdentity(UUID.randomUUID(), "ovx_edge_" + UUID.randomUUID(), URI.create("http://127.0.0.1:9"),
                List.of(UUID.randomUUID()), "laptop (Desk)", 2, Base64.getEncoder().encodeToString(new byte[32]),
                Base64.getEncoder().encodeToString(keys.getPrivate().getEncoded()), enrolledAt);
    }

    static DeskVault unlockedVault(Path data) throws Exception {
        DeskVault vault = DeskVault.forDesk(data, null);
        vault.setUp(Method.PASSPHRASE, PASSPHRASE.toCharArray());
        return vault;
    }

    @Test
    void keepsTheIdentityEncryptedInTheDesksStoreAndReadsItBackAfterAnUnlock() throws Exception {
        var store = new VaultIdentityStore(unlockedVault(data), new IdentityFile(data));
        var id = identity(Instant.parse("2026-11-24T09:00:00Z"));

        store.save(id);

        assertThat(store.load()).contains(id);
        assertThat(DeskTesting.filesHoldingSecretsOf(id, data)).as("files holding the token or private key").isEmpty();
        assertThat(Files.exists(data.resolve("edge/identity.json"))).isFalse();
        DeskVault restarted = DeskVault.forDesk(data, null);
        assertThat(restarted.names()).containsExactly("edge-identity http://127.0.0.1:9 " + id.workspaceIds().getFirst());
        var afterRestart = new VaultIdentityStore(restarted, new IdentityFile(data));
        assertThat(afterRestart.waitingReason()).contains("waiting for the Desk to be unlocked");
        restarted.unlock(Method.PASSPHRASE, PASSPHRASE.toCharArray());
        assertThat(afterRestart.waitingReason()).isNull();
        assertThat(afterRestart.load()).contains(id);
    }

    @Test
    void theEdgeHasOneIdentity() throws Exception {
        DeskVault vault = unlockedVault(data);
        vault.rememberSession(new DeskVault.SavedSession("http://127.0.0.1:9", "ada", UUID.randomUUID(), "ovx_s"));
        var store = new VaultIdentityStore(vault, new IdentityFile(data));
        store.save(identity(Instant.parse("2026-11-24T09:00:00Z")));
        var second = identity(Instant.parse("2026-11-24T09:05:00Z"));

        store.save(second);

        assertThat(vault.names()).filteredOn(n -> n.startsWith(VaultIdentityStore.PREFIX)).hasSize(1);
        assertThat(store.load()).contains(second);
        store.delete();
        assertThat(store.load()).isEmpty();
        assertThat(vault.names()).as("the session stays").hasSize(1);
    }

    @Test
    void anIdentityFileAnOlderDeskLeftIsMovedIntoTheStoreAndDeleted() throws Exception {
        var legacy = new IdentityFile(data);
        var old = identity(Instant.parse("2026-11-01T09:00:00Z"));
        legacy.save(old);
        List<String> logged = capture();
        var store = new VaultIdentityStore(unlockedVault(data), legacy);

        assertThat(store.load()).contains(old);

        assertThat(Files.exists(legacy.file())).isFalse();
        assertThat(DeskTesting.filesHoldingSecretsOf(old, data)).isEmpty();
        assertThat(new VaultIdentityStore(DeskVault.forDesk(data, null), legacy).waitingReason()).isNotNull();
        assertThat(store.load()).as("now from the store").contains(old);
        assertThat(logged).singleElement().asString().contains("Moved the bundled edge's identity (edge " + old.edgeId())
                .contains(legacy.file().toString()).doesNotContain(old.edgeToken()).doesNotContain(old.sealingPrivateKey());
    }

    @Test
    void aStaleIdentityFileBesideANewerStoredIdentityIsDeletedAndTheStoredOneKept() throws Exception {
        var legacy = new IdentityFile(data);
        var store = new VaultIdentityStore(unlockedVault(data), legacy);
        var kept = identity(Instant.parse("2026-11-24T09:00:00Z"));
        store.save(kept);
        legacy.save(identity(Instant.parse("2026-11-01T09:00:00Z")));

        assertThat(store.load()).contains(kept);
        assertThat(Files.exists(legacy.file())).isFalse();
    }

    @Test
    void lockedTheFileStaysUntilTheStoreOpens() throws Exception {
        var legacy = new IdentityFile(data);
        unlockedVault(data);
        legacy.save(identity(Instant.parse("2026-11-01T09:00:00Z")));
        var store = new VaultIdentityStore(DeskVault.forDesk(data, null), legacy);

        assertThat(store.waitingReason()).isNotNull();
        assertThatThrownBy(store::load).hasMessageContaining("locked");
        assertThat(Files.exists(legacy.file())).as("not deleted before it is in the store").isTrue();
        assertThat(new VaultIdentityStore(DeskVault.forDesk(data.resolve("elsewhere"), null), legacy).waitingReason())
                .contains("to be set up");
    }

    private static List<String> capture() {
        List<String> logged = new ArrayList<>();
        LOGGER.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(new java.util.logging.SimpleFormatter().formatMessage(record));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });
        return logged;
    }
}
