package io.octvex.desk.edge;

import io.octvex.desk.unlock.DeskVault;
import io.octvex.edge.identity.EdgeIdentity;
import io.octvex.edge.identity.IdentityFile;
import io.octvex.edge.identity.IdentityStore;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The bundled edge's identity as one entry of the Desk's encrypted store ({@link DeskVault}), named
 * {@code edge-identity <server> <workspace>} (names are in the clear, like the sessions'). The edge has one
 * identity: saving drops every other {@code edge-identity} entry. Every call blocks; the store must be unlocked
 * for {@link #load} and {@link #save} ({@link #waitingReason()} says why not).
 *
 * <p>An identity an older Desk left in {@code <data dir>/edge/identity.json} is moved in by the first
 * {@link #load} with the store open, and the file deleted.
 */
final class VaultIdentityStore implements IdentityStore {
    private static final System.Logger LOG = System.getLogger(VaultIdentityStore.class.getName());
    static final String PREFIX = "edge-identity ";
    private static final Comparator<EdgeIdentity> NEWEST = Comparator.comparing(EdgeIdentity::enrolledAt,
            Comparator.nullsFirst(Comparator.naturalOrder()));

    private final DeskVault vault;
    private final IdentityFile legacy;

    VaultIdentityStore(DeskVault vault, IdentityFile legacy) {
        this.vault = vault;
        this.legacy = legacy;
    }

    /** Why the edge waits (the store is locked, not set up or unusable), for the Settings status; null: open. */
    String waitingReason() {
        DeskVault.Status s = vault.status();
        if (s.unlocked()) {
            return null;
        }
        if (s.problem() != null) {
            return "On, waiting: the Desk's secret store, which keeps this edge's identity, cannot be used: "
                    + s.problem();
        }
        if (!s.exists()) {
            return "On, waiting for the Desk's secret store to be set up: it keeps this edge's identity. Disconnect "
                    + "and choose how it opens on the connect screen; the edge starts then.";
        }
        return "On, waiting for the Desk to be unlocked: its secret store keeps this edge's identity. Unlock it "
                + "under Security / Unlock below (or on the connect screen); the edge starts then.";
    }

    @Override
    public Optional<EdgeIdentity> load() {
        Optional<EdgeIdentity> kept = stored();
        return Files.exists(legacy.file()) ? Optional.of(migrate(kept.orElse(null))) : kept;
    }

    @Override
    public void save(EdgeIdentity identity) {
        String name = name(identity);
        try {
            vault.put(name, IdentityStore.toJson(identity));
            for (String other : names()) {
                if (!other.equals(name)) {
                    vault.delete(other);
                }
            }
        } catch (DeskVault.Refused e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public void delete() {
        try {
            for (String name : names()) {
                vault.delete(name);
            }
        } catch (DeskVault.Refused e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public String location() {
        return "the Desk's encrypted store " + vault.file();
    }

    /** The newest identity entry (a crash between saving and dropping the old one may leave two). */
    private Optional<EdgeIdentity> stored() {
        try {
            EdgeIdentity newest = null;
            for (String name : names()) {
                Optional<String> json = vault.get(name);
                if (json.isPresent()) {
                    EdgeIdentity id = IdentityStore.fromJson(json.get(), "the Desk's store entry '" + name + "'");
                    if (newest == null || NEWEST.compare(id, newest) > 0) {
                        newest = id;
                    }
                }
            }
            return Optional.ofNullable(newest);
        } catch (DeskVault.Refused e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Moves the file's identity into the store unless the store's is newer; the file goes either way. */
    private EdgeIdentity migrate(EdgeIdentity kept) {
        EdgeIdentity old = legacy.load().orElse(null);
        if (old == null) {
            return kept;
        }
        EdgeIdentity chosen = kept == null || NEWEST.compare(old, kept) > 0 ? old : kept;
        if (chosen == old) {
            save(old);
        }
        legacy.delete();
        LOG.log(Level.INFO, chosen == old
                ? "Moved the bundled edge''s identity (edge {0}) from {1} into {2} and deleted the file"
                : "Deleted {1} (edge {0}): {2} holds a newer identity for the bundled edge",
                old.edgeId(), legacy.file(), location());
        return chosen;
    }

    private List<String> names() throws DeskVault.Refused {
        return vault.names().stream().filter(n -> n.startsWith(PREFIX)).toList();
    }

    static String name(EdgeIdentity identity) {
        return PREFIX + identity.server().toString().replaceAll("/+$", "") + " "
                + (identity.workspaceIds().isEmpty() ? "-" : identity.workspaceIds().getFirst());
    }
}
