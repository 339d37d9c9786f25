package io.octvex.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.junit.jupiter.api.Test;

/** Sealing to an edge's X25519 key as enrolment stores it (raw public key, PKCS#8 private key). */
class CredentialSealTest {
    private static KeyPair edgeKeys() throws Exception {
        return KeyPairGenerator.getInstance("X25519").generateKeyPair();
    }

    /** The raw 32-byte public key, as the edge sends it at enrolment (the last 32 bytes of the X.509 form). */
    private static String raw(KeyPair keys) {
        byte[] x509 = keys.getPublic().getEncoded();
        return Base64.getEncoder().encodeToString(Arrays.copyOfRange(x509, x509.length - 32, x509.length));
    }

    @Test
    void onlyTheEdgeItWasSealedToOpensItAndOnlyForItsLease() throws Exception {
        KeyPair edge = edgeKeys();
        KeyPair other = edgeKeys();
        UUID lease = UUID.randomUUID();
        UUID step = UUID.randomUUID();
        byte[] secret = "sk-canary-4711".getBytes(StandardCharsets.UTF_8);

        SealedCredential sealed = CredentialSeal.seal(lease, raw(edge), secret, CredentialSeal.binding(lease, step, 3));
        assertThat(sealed.ciphertext()).doesNotContain("canary");
        assertThat(new String(Base64.getDecoder().decode(sealed.ciphertext()), StandardCharsets.ISO_8859_1))
                .doesNotContain("canary");
        assertThat(sealed.toString()).doesNotContain(sealed.ciphertext());

        assertThat(CredentialSeal.open(sealed, edge.getPrivate(), CredentialSeal.binding(lease, step, 3))).isEqualTo(secret);
        assertThatThrownBy(() -> CredentialSeal.open(sealed, other.getPrivate(), CredentialSeal.binding(lease, step, 3)))
                .isInstanceOf(InvalidCipherTextException.class);
        assertThatThrownBy(() -> CredentialSeal.open(sealed, edge.getPrivate(), CredentialSeal.binding(lease, step, 4)))
                .as("another epoch").isInstanceOf(InvalidCipherTextException.class);
        SealedCredential tampered = new SealedCredential(lease, sealed.enc(),
                Base64.getEncoder().encodeToString(flip(Base64.getDecoder().decode(sealed.ciphertext()))));
        assertThatThrownBy(() -> CredentialSeal.open(tampered, edge.getPrivate(), CredentialSeal.binding(lease, step, 3)))
                .isInstanceOf(InvalidCipherTextException.class);
    }

    @Test
    void everySealIsFresh() throws Exception {
        KeyPair edge = edgeKeys();
        UUID lease = UUID.randomUUID();
        byte[] binding = CredentialSeal.binding(lease, UUID.randomUUID(), 1);
        SealedCredential a = CredentialSeal.seal(lease, raw(edge), new byte[] {1, 2, 3}, binding);
        SealedCredential b = CredentialSeal.seal(lease, raw(edge), new byte[] {1, 2, 3}, binding);
        assertThat(a.enc()).isNotEqualTo(b.enc());
        assertThat(a.ciphertext()).isNotEqualTo(b.ciphertext());
    }

    private static byte[] flip(byte[] bytes) {
        bytes[0] ^= 1;
        return bytes;
    }
}
