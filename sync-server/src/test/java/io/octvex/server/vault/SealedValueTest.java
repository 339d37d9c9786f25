package io.octvex.server.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.SecretView;
import io.octvex.server.ServerTest;
import io.octvex.server.identity.TestApi;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What an attacker with write access to the database can do to sealed values: alter them, move them between
 * rows, versions and workspaces, point them at other keys. Every such value refuses to open; none opens as
 * something else.
 */
@ServerTest
class SealedValueTest {
    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Vault vault;
    @Autowired
    TransactionTemplate tx;

    OctvexClient admin;
    UUID ws;

    @BeforeEach
    void workspace() {
        TestApi api = TestApi.on(port);
        admin = api.admin();
        ws = api.newWorkspace("sealed").id();
    }

    @Test
    void aTamperedCiphertextDoesNotOpen() {
        SecretView secret = admin.createSecret(ws, VaultFixtures.bearer("tampered", "original"));
        byte[] sealed = sealedOf(secret.id());
        for (int position : new int[] {5, Aead.OVERHEAD - 16 + 2, sealed.length - 1}) { // nonce, ciphertext, tag
            byte[] changed = sealed.clone();
            changed[position] ^= 0x01;
            setSealed(secret.id(), changed);
            assertThatThrownBy(() -> resolve(ws, "tampered")).isInstanceOf(SealBrokenException.class)
                    .hasMessageContaining("does not authenticate");
        }
        byte[] truncated = java.util.Arrays.copyOf(sealed, 10);
        setSealed(secret.id(), truncated);
        assertThatThrownBy(() -> resolve(ws, "tampered")).hasMessageContaining("truncated");
        setSealed(secret.id(), sealed);
        assertThat(token(ws, "tampered")).isEqualTo("original");
    }

    @Test
    void aCiphertextMovedToAnotherSecretVersionOrWorkspaceDoesNotOpen() {
        SecretView a = admin.createSecret(ws, VaultFixtures.bearer("row-a", "value-of-a"));
        SecretView b = admin.createSecret(ws, VaultFixtures.bearer("row-b", "value-of-b"));
        byte[] sealedA = sealedOf(a.id());
        byte[] sealedB = sealedOf(b.id());

        // swapped between rows of one workspace, same key: the secret id in the AAD differs
        setSealed(a.id(), sealedB);
        assertThatThrownBy(() -> resolve(ws, "row-a")).isInstanceOf(SealBrokenException.class);
        setSealed(a.id(), sealedA);
        assertThat(token(ws, "row-a")).isEqualTo("value-of-a");

        // replayed as another version of the same secret: the version in the AAD differs
        jdbc.sql("UPDATE secrets SET version = version + 1 WHERE id = ?").param(b.id()).update();
        assertThatThrownBy(() -> resolve(ws, "row-b")).isInstanceOf(SealBrokenException.class);
        jdbc.sql("UPDATE secrets SET version = version - 1 WHERE id = ?").param(b.id()).update();
        assertThat(token(ws, "row-b")).isEqualTo("value-of-b");

        // the whole row moved to another workspace (which has its own data key of the same term)
        UUID other = TestApi.on(port).newWorkspace("other").id();
        admin.createSecret(other, VaultFixtures.bearer("resident", "x"));
        jdbc.sql("UPDATE secrets SET workspace_id = ? WHERE id = ?").params(other, b.id()).update();
        assertThatThrownBy(() -> resolve(other, "row-b")).isInstanceOf(SealBrokenException.class);

        // and with the other workspace's wrapped data key copied over as well: the workspace id in the AAD
        jdbc.sql("UPDATE secrets SET workspace_id = ? WHERE id = ?").params(ws, b.id()).update();
        byte[] foreignKey = jdbc.sql("SELECT wrapped FROM vault_data_keys WHERE workspace_id = ? AND term = 1")
                .param(other).query(byte[].class).single();
        jdbc.sql("UPDATE vault_data_keys SET wrapped = ? WHERE workspace_id = ? AND term = 1").params(foreignKey, ws).update();
        assertThatThrownBy(() -> resolve(ws, "row-b")).isInstanceOf(SealBrokenException.class)
                .hasMessageContaining("data key of term 1 does not open with the root key");
    }

    @Test
    void anUnknownFormatOrADestroyedKeyIsNamedNotGuessed() {
        SecretView secret = admin.createSecret(ws, VaultFixtures.bearer("versions", "v"));
        byte[] sealed = sealedOf(secret.id());
        byte[] future = sealed.clone();
        future[0] = 9;
        setSealed(secret.id(), future);
        assertThatThrownBy(() -> resolve(ws, "versions")).isInstanceOf(SealBrokenException.class)
                .hasMessageContaining("format 9, which this server does not know");
        setSealed(secret.id(), sealed);

        // a value pointing at a key term that no longer exists
        admin.rotateVault(ws);
        admin.createSecret(ws, VaultFixtures.bearer("later", "w"));
        jdbc.sql("UPDATE secrets SET key_term = 2 WHERE id = ?").param(secret.id()).update(); // the term-1 value, relabelled
        assertThatThrownBy(() -> resolve(ws, "versions")).isInstanceOf(SealBrokenException.class);
        jdbc.sql("UPDATE secrets SET key_term = 1 WHERE id = ?").param(secret.id()).update();
        jdbc.sql("UPDATE vault_data_keys SET wrapped = NULL, destroyed_at = now() WHERE workspace_id = ? AND term = 1")
                .param(ws).update();
        assertThatThrownBy(() -> resolve(ws, "versions")).isInstanceOf(SealBrokenException.class)
                .hasMessageContaining("term 1 was destroyed");
        // a term that never existed is refused by the database itself
        assertThatThrownBy(() -> jdbc.sql("UPDATE secrets SET key_term = 77 WHERE id = ?").param(secret.id()).update())
                .hasMessageContaining("foreign key");
        assertThat(token(ws, "later")).isEqualTo("w");
    }

    @Test
    void sealingTheSameValueTwiceNeverGivesTheSameBytes() {
        byte[] key = Aead.randomKey();
        byte[] aad = Vault.aad(ws, UUID.randomUUID(), 1);
        byte[] one = Aead.seal(key, "same".getBytes(), aad);
        byte[] two = Aead.seal(key, "same".getBytes(), aad);
        assertThat(one).isNotEqualTo(two);
        assertThat(java.util.Arrays.copyOfRange(one, 1, 13)).isNotEqualTo(java.util.Arrays.copyOfRange(two, 1, 13));
        assertThat(Aead.open(key, one, aad)).isEqualTo("same".getBytes());
        assertThatThrownBy(() -> Aead.open(Aead.randomKey(), one, aad)).isInstanceOf(SealBrokenException.class);
    }

    private String token(UUID workspaceId, String name) {
        try (SecretMaterial m = resolve(workspaceId, name)) {
            return new String(m.chars(SecretField.TOKEN));
        }
    }

    private SecretMaterial resolve(UUID workspaceId, String name) {
        return tx.execute(s -> vault.resolve(workspaceId, name, new SecretUse(null, null, null, "test", Map.of())));
    }

    private byte[] sealedOf(UUID id) {
        return jdbc.sql("SELECT sealed FROM secrets WHERE id = ?").param(id).query(byte[].class).single();
    }

    private void setSealed(UUID id, byte[] sealed) {
        jdbc.sql("UPDATE secrets SET sealed = ? WHERE id = ?").params(sealed, id).update();
    }
}
