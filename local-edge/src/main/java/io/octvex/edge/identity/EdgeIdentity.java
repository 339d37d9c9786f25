package io.octvex.edge.identity;

import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Who this edge is to the control plane: its id and bearer token, the server it enrolled with, and the X25519
 * key pair credentials will be sealed to. Holds secrets: {@link #toString()} shows neither the token nor the
 * private key, and nothing should log them.
 *
 * @param sealingPublicKey  the raw 32-byte X25519 public key, base64 (as sent at enrolment)
 * @param sealingPrivateKey the X25519 private key, PKCS#8 DER, base64
 */
public record EdgeIdentity(UUID edgeId, String edgeToken, URI server, List<UUID> workspaceIds, String name,
                           int capacity, String sealingPublicKey, String sealingPrivateKey, Instant enrolledAt) {

    public EdgeIdentity {
        Objects.requireNonNull(edgeId, "edgeId");
        Objects.requireNonNull(edgeToken, "edgeToken");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(sealingPrivateKey, "sealingPrivateKey");
        workspaceIds = workspaceIds == null ? List.of() : List.copyOf(workspaceIds);
    }

    /** The slots this edge enrolled with, at least one: what it runs with when not told otherwise. */
    public int slots() {
        return Math.max(1, capacity);
    }

    /** The private half of the sealing key, for opening credentials sealed to this edge. */
    public PrivateKey sealingKey() {
        try {
            return KeyFactory.getInstance("X25519")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(sealingPrivateKey)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("the stored sealing key of edge " + edgeId + " is not readable", e);
        }
    }

    @Override
    public String toString() {
        return "EdgeIdentity[edgeId=" + edgeId + ", name=" + name + ", server=" + server + ", workspaceIds="
                + workspaceIds + ", capacity=" + capacity + ", edgeToken=***, sealingPrivateKey=***]";
    }
}
