package io.octvex.edge.identity;

import java.util.Optional;

/**
 * Where an edge keeps its {@link EdgeIdentity} between starts. The standalone edge uses {@link IdentityFile}
 * (an owner-only file under its home); code that embeds the edge supplies its own, e.g. an encrypted store.
 * Implementations say why in their exceptions and never put a secret in a message.
 */
public interface IdentityStore {

    /**
     * The stored identity, or empty when the edge has not enrolled here.
     *
     * @throws IllegalStateException when something is stored but cannot be read
     */
    Optional<EdgeIdentity> load();

    /** Keeps {@code identity}, replacing any earlier one. */
    void save(EdgeIdentity identity);

    /** Forgets the identity (after a revocation, or before enrolling again). */
    void delete();

    /** Where the identity is kept, in words for messages and logs (a path, say; never a secret). */
    String location();

    /** The identity as the JSON text every store keeps, for stores that hold text (it contains the secrets). */
    static String toJson(EdgeIdentity identity) {
        return StoredIdentity.write(identity);
    }

    /**
     * Reads what {@link #toJson} wrote.
     *
     * @param source where the text came from, for the message when it is not an identity
     * @throws IllegalStateException when it is not a readable identity (the message holds no part of the text)
     */
    static EdgeIdentity fromJson(String json, String source) {
        return StoredIdentity.read(json, source);
    }
}
