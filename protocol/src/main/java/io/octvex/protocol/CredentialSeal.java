package io.octvex.protocol;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.Base64;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;

/**
 * Credential material sealed to one edge: HPKE (RFC 9180) base mode with DHKEM(X25519, HKDF-SHA256),
 * HKDF-SHA256 and AES-256-GCM, BouncyCastle's implementation on both sides. The associated data binds a
 * sealed value to its credential lease, step and lease epoch, so it opens only for the lease it was
 * issued for; the edge's X25519 key is the one it registered at enrolment.
 */
public final class CredentialSeal {
    private static final byte[] INFO = "octvex credential v1".getBytes(StandardCharsets.UTF_8);

    private CredentialSeal() {}

    private static HPKE suite() {
        return new HPKE(HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM256);
    }

    /** Seals {@code plaintext} to the edge's raw 32-byte X25519 public key (base64, as enrolled). */
    public static SealedCredential seal(java.util.UUID leaseId, String edgePublicKey, byte[] plaintext,
                                        byte[] associatedData) {
        HPKE hpke = suite();
        try {
            byte[][] sealed = hpke.seal(hpke.deserializePublicKey(Base64.getDecoder().decode(edgePublicKey)), INFO,
                    associatedData, plaintext, null, null, null);
            return new SealedCredential(leaseId, Base64.getEncoder().encodeToString(sealed[1]),
                    Base64.getEncoder().encodeToString(sealed[0]));
        } catch (InvalidCipherTextException | IllegalArgumentException e) {
            throw new IllegalStateException("the credential could not be sealed to the edge's key", e);
        }
    }

    /** Opens what was sealed to this edge; refuses (throws) anything sealed to another key or lease. */
    public static byte[] open(SealedCredential sealed, PrivateKey edgeKey, byte[] associatedData)
            throws InvalidCipherTextException {
        HPKE hpke = suite();
        try {
            X25519PrivateKeyParameters sk = (X25519PrivateKeyParameters) PrivateKeyFactory.createKey(edgeKey.getEncoded());
            AsymmetricCipherKeyPair pair = new AsymmetricCipherKeyPair(sk.generatePublicKey(), sk);
            return hpke.open(Base64.getDecoder().decode(sealed.enc()), pair, INFO, associatedData,
                    Base64.getDecoder().decode(sealed.ciphertext()), null, null, null);
        } catch (java.io.IOException | IllegalArgumentException | ClassCastException e) {
            throw new InvalidCipherTextException("not a sealed credential for this edge: " + e.getMessage());
        }
    }

    /** The associated data of a credential lease's material: lease, step and epoch. */
    public static byte[] binding(java.util.UUID leaseId, java.util.UUID stepId, long epoch) {
        return (leaseId + "|" + stepId + "|" + epoch).getBytes(StandardCharsets.UTF_8);
    }
}
