package io.octvex.desk.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.desk.edge.BundledEdgeModel.Phase;
import io.octvex.desk.unlock.DeskVault;
import io.octvex.desk.unlock.Method;
import io.octvex.edge.identity.EdgeIdentity;
import io.octvex.edge.identity.IdentityFile;
import io.octvex.edge.noop.NoopHandler;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled edge and the Desk's store: it waits while the store is locked and starts once it is unlocked. */
class BundledEdgeModelTest {
    @TempDir
    Path data;

    private final List<Boolean> remembered = new ArrayList<>();
    private BundledEdgeModel model;

    /** Everything inline: the test reads the outcome right after each call. */
    private BundledEdgeModel model(DeskVault vault, boolean on) {
        return model(vault, on, Runnable::run);
    }

    private BundledEdgeModel model(DeskVault vault, boolean on, Executor fx) {
        var identities = new VaultIdentityStore(vault, new IdentityFile(data));
        model = new BundledEdgeModel(identities, new EdgeEnroller(identities, Clock.systemUTC()),
                () -> List.of(new NoopHandler()), data.resolve("edge/work"), Runnable::run, fx, Clock.systemUTC(), on,
                remembered::add);
        return model;
    }

    @AfterEach
    void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void switchedOnAtStartWithTheStoreLockedItWaitsThenRunsOnceUnlockedAndKeepsRunningWhenLocked() throws Exception {
        // an earlier run enrolled it; this start's store instance is locked, as after any restart
        EdgeIdentity enrolled = VaultIdentityStoreTest.identity(Instant.parse("2026-11-24T09:00:00Z"));
        new VaultIdentityStore(VaultIdentityStoreTest.unlockedVault(data), new IdentityFile(data)).save(enrolled);
        DeskVault vault = DeskVault.forDesk(data, null);
        model(vault, true);

        model.started();

        assertThat(model.phaseProperty().get()).isEqualTo(Phase.WAITING_FOR_UNLOCK);
        assertThat(model.statusProperty().get()).startsWith("On, waiting for the Desk to be unlocked");

        vault.unlock(Method.PASSPHRASE, VaultIdentityStoreTest.PASSPHRASE.toCharArray());
        model.unlocked();

        assertThat(model.phaseProperty().get()).isEqualTo(Phase.ON);
        assertThat(model.identityProperty().get()).contains("edge " + enrolled.edgeId())
                .contains("the Desk's encrypted store").doesNotContain("identity.json");

        vault.lock(); // "Lock now": the running edge keeps its identity in memory
        model.refresh();
        model.unlocked();
        assertThat(model.phaseProperty().get()).isEqualTo(Phase.ON);
    }

    @Test
    void anUnlockWhileTheStartWasLookingAtTheLockedStoreIsNotMissed() throws Exception {
        EdgeIdentity enrolled = VaultIdentityStoreTest.identity(Instant.parse("2026-11-24T09:00:00Z"));
        new VaultIdentityStore(VaultIdentityStoreTest.unlockedVault(data), new IdentityFile(data)).save(enrolled);
        DeskVault vault = DeskVault.forDesk(data, null);
        Queue<Runnable> fx = new ArrayDeque<>();
        model(vault, true, fx::add);

        model.started(); // found the store locked; "waiting" is not shown yet
        vault.unlock(Method.PASSPHRASE, VaultIdentityStoreTest.PASSPHRASE.toCharArray());
        model.unlocked(); // still STARTING: nothing to start
        while (!fx.isEmpty()) {
            fx.poll().run();
        }

        assertThat(model.phaseProperty().get()).isEqualTo(Phase.ON);
    }

    @Test
    void switchedOnWithoutAStoreItWaitsForTheSetUpThenForASignIn() throws Exception {
        DeskVault vault = DeskVault.forDesk(data, null);
        model(vault, false);

        model.turnOn(null);

        assertThat(model.phaseProperty().get()).isEqualTo(Phase.WAITING_FOR_UNLOCK);
        assertThat(model.statusProperty().get()).contains("to be set up");
        assertThat(remembered).containsExactly(true);

        vault.setUp(Method.PASSPHRASE, VaultIdentityStoreTest.PASSPHRASE.toCharArray());
        model.unlocked();

        assertThat(model.phaseProperty().get()).as("nothing enrolled yet, nobody signed in")
                .isEqualTo(Phase.WAITING_FOR_SIGN_IN);
    }

    @Test
    void anUnlockDoesNotStartAnEdgeThatIsOff() throws Exception {
        DeskVault vault = DeskVault.forDesk(data, null);
        model(vault, false);
        model.started();
        vault.setUp(Method.PASSPHRASE, VaultIdentityStoreTest.PASSPHRASE.toCharArray());

        model.unlocked();

        assertThat(model.phaseProperty().get()).isEqualTo(Phase.OFF);
    }
}
