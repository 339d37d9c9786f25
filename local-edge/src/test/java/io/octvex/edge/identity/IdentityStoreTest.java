package io.octvex.edge.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.XECPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.crypto.KeyAgreement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file store of the standalone edge, and the JSON text every {@link IdentityStore} keeps. */
class IdentityStoreTest {
    @TempDir
    Path home;

    static EdgeIdentity identity(String token) {
        var keys = Enrolment.newSealingKeyPair();
        return new EdgeIdentity(UUID.randomUUID(), token, URI.create("http://127.0.0.1:7700"),
                List.of(UUID.randomUUID()), "edge-a", 4,
                Base64.getEncoder().encodeToString(Enrolment.rawPublicKey((XECPublicKey) keys.getPublic())),
                Base64.getEncoder().encodeToString(keys.getPrivate().getEncoded()), Instant.parse("2026-11-23T10:00:00Z"));
    }

    @Test
    void savesWithOwnerOnlyPermissionsAndReadsBack() throws Exception {
        var store = new IdentityFile(home);
        var saved = identity("ovx_edge_secret");

        store.save(saved);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.directory())))
                .isEqualTo("rwx------");
        assertThat(store.load()).contains(saved);
        assertThat(saved.toString()).doesNotContain("ovx_edge_secret").doesNotContain(saved.sealingPrivateKey());
    }

    @Test
    void aRestartReusesTheIdentityAndItsSealingKey() throws Exception {
        var saved = identity("ovx_edge_1");
        new IdentityFile(home).save(saved);

        EdgeIdentity loaded = new IdentityFile(home).load().orElseThrow();

        assertThat(loaded.edgeId()).isEqualTo(saved.edgeId());
        // the private key still pairs with the public key the server has: X25519 agreement both ways agrees
        var other = Enrolment.newSealingKeyPair();
        var a = KeyAgreement.getInstance("X25519");
        a.init(loaded.sealingKey());
        a.doPhase(other.getPublic(), true);
        var b = KeyAgreement.getInstance("X25519");
        b.init(other.getPrivate());
        b.doPhase(java.security.KeyFactory.getInstance("X25519").generatePublic(
                new java.security.spec.XECPublicKeySpec(java.security.spec.NamedParameterSpec.X25519,
                        littleEndian(Base64.getDecoder().decode(loaded.sealingPublicKey())))), true);
        assertThat(a.generateSecret()).isEqualTo(b.generateSecret());
        assertThat(Base64.getDecoder().decode(loaded.sealingPublicKey())).hasSize(32);
    }

    @Test
    void replacingIsAtomicAndLeavesNoTemporaryFiles() throws Exception {
        var store = new IdentityFile(home);
        store.save(identity("ovx_edge_old"));
        var newer = identity("ovx_edge_new");

        store.save(newer);

        assertThat(store.load()).contains(newer);
        try (var files = Files.list(store.directory())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("identity.json");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file()))).isEqualTo("rw-------");
    }

    @Test
    void aLeftOverTemporaryFileDoesNotDisturbReading() throws Exception {
        var store = new IdentityFile(home);
        var saved = identity("ovx_edge_x");
        store.save(saved);
        Files.writeString(store.directory().resolve("identity.json.crash.tmp"), "{\"half\":");

        assertThat(store.load()).contains(saved);
    }

    @Test
    void looseFilePermissionsAreTightened() throws Exception {
        var store = new IdentityFile(home);
        store.save(identity("ovx_edge_y"));
        Files.setPosixFilePermissions(store.file(), PosixFilePermissions.fromString("rw-r--r--"));

        assertThat(store.load()).isPresent();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file()))).isEqualTo("rw-------");
    }

    @Test
    void noFileMeansNotEnrolledAndGarbageIsExplained() throws Exception {
        var store = new IdentityFile(home);
        assertThat(store.load()).isEmpty();

        Files.createDirectories(store.directory());
        Files.writeString(store.file(), "not json");
        assertThatThrownBy(store::load).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not an edge identity").hasMessageContaining("enrol again");
    }

    @Test
    void theJsonTextRoundTripsAndIsWhatTheFileHolds() throws Exception {
        var store = new IdentityFile(home);
        var saved = identity("ovx_edge_json");
        store.save(saved);

        String text = IdentityStore.toJson(saved);

        assertThat(IdentityStore.fromJson(text, "test")).isEqualTo(saved);
        assertThat(Files.readString(store.file())).isEqualTo(text);
        assertThat(store.location()).isEqualTo(store.file().toString());
    }

    @Test
    void unreadableTextIsExplainedWithoutQuotingIt() {
        String secretish = "{\"edgeToken\":\"ovx_edge_leak\",";
        assertThatThrownBy(() -> IdentityStore.fromJson(secretish, "the vault entry"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("the vault entry is not an edge identity")
                .hasMessageNotContaining("ovx_edge_leak");
        String otherFormat = IdentityStore.toJson(identity("ovx_edge_f")).replace("\"format\" : 1", "\"format\" : 9");
        assertThatThrownBy(() -> IdentityStore.fromJson(otherFormat, "x")).hasMessageContaining("has format 9");
        assertThatThrownBy(() -> IdentityStore.fromJson("null", "x")).hasMessageContaining("x is not an edge identity");
    }

    private static java.math.BigInteger littleEndian(byte[] raw) {
        byte[] be = new byte[raw.length];
        for (int i = 0; i < raw.length; i++) {
            be[i] = raw[raw.length - 1 - i];
        }
        return new java.math.BigInteger(1, be);
    }
}
