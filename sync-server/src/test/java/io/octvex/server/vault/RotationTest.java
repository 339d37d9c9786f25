package io.octvex.server.vault;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.SecretView;
import io.octvex.protocol.UpdateSecret;
import io.octvex.protocol.VaultStatus;
import io.octvex.server.ServerTest;
import io.octvex.server.identity.TestApi;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Data key terms: rotation on request and at the encryption limit, the re-encrypt job, and both under load. */
@ServerTest
class RotationTest {
    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Vault vault;
    @Autowired
    Reencryptor reencryptor;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    VaultProperties settings;

    OctvexClient admin;
    UUID ws;

    @BeforeEach
    void workspace() {
        TestApi api = TestApi.on(port);
        admin = api.admin();
        ws = api.newWorkspace("rotation").id();
    }

    @Test
    void oldTermsStillOpenUntilTheJobMovesThemThenTheirKeysAreDestroyed() {
        for (int i = 0; i < 3; i++) {
            admin.createSecret(ws, VaultFixtures.bearer("s" + i, "value-" + i));
        }
        VaultStatus rotated = admin.rotateVault(ws);
        assertThat(rotated.keyTerm()).isEqualTo(2);
        assertThat(rotated.secretsOnOlderTerms()).isEqualTo(3);
        assertThat(rotated.encryptions()).isZero();
        assertThat(token("s1")).isEqualTo("value-1"); // still under term 1
        SecretView fresh = admin.createSecret(ws, VaultFixtures.bearer("s3", "value-3"));
        assertThat(fresh.keyTerm()).isEqualTo(2);

        reencryptor.runUntilDone();

        assertThat(admin.secrets(ws)).extracting(SecretView::keyTerm).containsOnly(2);
        assertThat(admin.secrets(ws)).extracting(SecretView::version).containsOnly(1L); // the same values
        for (int i = 0; i < 4; i++) {
            assertThat(token("s" + i)).isEqualTo("value-" + i);
        }
        Map<String, Object> old = jdbc.sql("SELECT wrapped, retired_at, destroyed_at FROM vault_data_keys "
                + "WHERE workspace_id = ? AND term = 1").param(ws).query().singleRow();
        assertThat(old.get("wrapped")).isNull();
        assertThat(old.get("destroyed_at")).isNotNull();
        VaultStatus after = admin.vault(ws);
        assertThat(after.secretsOnOlderTerms()).isZero();
        assertThat(after.encryptions()).isEqualTo(4); // s3 and the three moved values
        assertThat(events("vault.%")).containsExactly("vault.rotated", "vault.rotated", "vault.reencrypted");
        assertThat(jdbc.sql("SELECT data->>'reason' FROM events WHERE workspace_id = ? AND type = 'vault.rotated' ORDER BY seq")
                .param(ws).query(String.class).list()).containsExactly("first key", "requested");
    }

    @Test
    void theWorkspaceMovesToANewKeyBeforeOneSealsMoreThanTheLimit() {
        admin.createSecret(ws, VaultFixtures.bearer("busy", "v1"));
        // pretend the key has sealed as much as it may: the next value goes under a new term
        jdbc.sql("UPDATE vault_data_keys SET encryptions = ? WHERE workspace_id = ? AND term = 1")
                .params(settings.rotateAfter(), ws).update();
        SecretView next = admin.updateSecret(ws, "busy", new UpdateSecret(null, null, null, null, "v2".toCharArray()));
        assertThat(next.keyTerm()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT encryptions FROM vault_data_keys WHERE workspace_id = ? AND term = 1").param(ws)
                .query(Long.class).single()).isGreaterThan(settings.rotateAfter()); // counted, never used past it
        assertThat(jdbc.sql("SELECT data->>'reason' FROM events WHERE workspace_id = ? AND type = 'vault.rotated' ORDER BY seq DESC LIMIT 1")
                .param(ws).query(String.class).single()).isEqualTo("encryption limit");
        assertThat(token("busy")).isEqualTo("v2");
        assertThat(settings.rotateAfter()).isEqualTo(1L << 30);
    }

    @Test
    void concurrentRotationsWritesAndReencryptionsLoseNothing() throws Exception {
        int writers = 4;
        int rounds = 15;
        for (int w = 0; w < writers; w++) {
            admin.createSecret(ws, VaultFixtures.bearer("w" + w, "w" + w + "-0"));
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Callable<Integer>> work = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            String name = "w" + w;
            work.add(() -> {
                for (int r = 1; r <= rounds; r++) {
                    admin.updateSecret(ws, name, new UpdateSecret(null, null, null, null, (name + "-" + r).toCharArray()));
                }
                return rounds;
            });
        }
        work.add(() -> {
            int rotations = 0;
            while (writing.get() && rotations < 12) {
                admin.rotateVault(ws);
                rotations++;
            }
            return rotations;
        });
        for (int replica = 0; replica < 2; replica++) { // two jobs at once, as on two replicas
            work.add(() -> {
                int moved = 0;
                while (writing.get()) {
                    moved += reencryptor.runUntilDone();
                    Thread.sleep(5);
                }
                return moved;
            });
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(work.size())) {
            List<Future<Integer>> futures = new ArrayList<>();
            work.forEach(c -> futures.add(pool.submit(c)));
            for (int w = 0; w < writers; w++) {
                assertThat(futures.get(w).get()).isEqualTo(rounds);
            }
            writing.set(false);
            assertThat(futures.get(writers).get()).isPositive();
            futures.get(writers + 1).get();
            futures.get(writers + 2).get();
        }
        reencryptor.runUntilDone();

        VaultStatus status = admin.vault(ws);
        assertThat(status.secretsOnOlderTerms()).isZero();
        for (int w = 0; w < writers; w++) {
            assertThat(admin.secret(ws, "w" + w).version()).isEqualTo(rounds + 1);
            assertThat(admin.secret(ws, "w" + w).keyTerm()).isEqualTo(status.keyTerm());
            assertThat(token("w" + w)).isEqualTo("w" + w + "-" + rounds);
        }
        assertThat(jdbc.sql("SELECT count(*) FROM vault_data_keys WHERE workspace_id = ? AND wrapped IS NOT NULL")
                .param(ws).query(Long.class).single()).isEqualTo(1);
        assertThat(admin.verifyChain(ws).intact()).isTrue();
    }

    private List<String> events(String like) {
        return jdbc.sql("SELECT type FROM events WHERE workspace_id = ? AND type LIKE ? ORDER BY seq")
                .params(ws, like).query(String.class).list();
    }

    private String token(String name) {
        try (SecretMaterial m = tx.execute(s -> vault.resolve(ws, name, new SecretUse(null, null, null, "test", Map.of())))) {
            return new String(m.chars(SecretField.TOKEN));
        }
    }
}
